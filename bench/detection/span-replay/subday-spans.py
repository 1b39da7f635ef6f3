import re,sys
pat=re.compile(r'    (\S+) (THIEF|honest) (\S+ \S+) to (\S+ \S+) share (\S+) F (\S+) explained (\S+) z (\S+) t (\S+) L (\d+)(.*)')
for f in sys.argv[1:]:
    key=f.split('/')[-1].rsplit('-',1)[0]
    spans={}; kinds={}
    for line in open(f):
        m=re.match(r'- truth (\S+) (\S+) ',line)
        if m: kinds[m.group(1)]=m.group(2)
        m=pat.match(line)
        if not m: continue
        serial,who,a,b,share,F,ex,z,t,L,rest=m.groups()
        share,F,ex,z,t,L=float(share),float(F),float(ex),float(z),float(t),int(L)
        m2=re.search(r'excess \S+ p (\S+)',rest); p=float(m2.group(1)) if m2 else None
        spans.setdefault(serial,[]).append((L,t,p,F,ex,z,a,b,who))
    for serial,ss in spans.items():
        for (L,t,p,F,ex,z,a,b,who) in ss:
            if L<96 and F>=100 and ex>=0.5 and z>=5:
                only = all(s[0]<96 for s in ss)
                w = who if who=='honest' else kinds.get(serial,'?')
                print(f"{key}: {serial} {w} {a} to {b} L {L} F {F:.0f} ex {ex:.2f} z {z:.1f} halves-t {t:.1f} sh-p {p} {'(its only spans are sub-day)' if only else ''}")
