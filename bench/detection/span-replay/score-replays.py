import re,sys
# Scores span-replay outputs: for each run KEY of the list DBS (lines "KEY DIR"), DIR_OUT/KEY-A.txt against
# DIR_OUT/KEY-B.txt: bypasses found (any span kept), honest meters with a span kept, and the spans that differ.
# usage: DBS=list OUT=dir python3 score-replays.py A B
pat=re.compile(r'    (\S+) (THIEF|honest) (\S+ \S+) to (\S+ \S+) share (\S+) F (\S+) explained (\S+) z (\S+) t (\S+) L (\d+)(.*)')
def read(f):
    kinds={}; found=set(); honest={}
    for line in open(f):
        m=re.match(r'- truth (\S+) (\S+) ',line)
        if m: kinds[m.group(1)]=m.group(2)
        m=pat.match(line)
        if not m: continue
        if m.group(2)=='honest': honest.setdefault(m.group(1),[]).append(line.strip())
        else: found.add(m.group(1))
    by=[k for k,v in kinds.items() if v=='bypass']
    return by,found,honest
import os
out=os.environ.get("OUT",".")
a,b=sys.argv[1],sys.argv[2]
keys=[l.split()[0] for l in open(os.environ["DBS"])]
print(f"| run | bypasses | {a} found | {b} found | {a} honest | {b} honest | missed with {b} |")
print("|-----|---:|---:|---:|---:|---:|---|")
for k in keys:
    by,fa,ha=read(f'{out}/{k}-{a}.txt'); _,fb,hb=read(f'{out}/{k}-{b}.txt')
    miss=[x for x in by if x not in fb]
    print(f"| {k} | {len(by)} | {sum(x in fa for x in by)} | {sum(x in fb for x in by)} | {len(ha)} | {len(hb)} | {', '.join(sorted(miss)) or '—'} |")
    for s,l in ha.items():
        for x in l: print(f"  {a} honest: {x}")
    for s,l in hb.items():
        for x in l: print(f"  {b} honest: {x}")
    lost=[x for x in fa if x not in fb]; gained=[x for x in fb if x not in fa]
    if lost or gained: print(f"  thieves lost {lost} gained {gained}")
