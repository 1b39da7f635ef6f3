import sqlite3,json,sys,datetime
d=sys.argv[1]; tr=sys.argv[2]
db=sqlite3.connect(d+'/data/meterline.db')
truth={t['meter']:t for t in json.load(open(d+'/truth.json'))['thefts']}
tm=db.execute("select meter from transformer_meters where transformer_id=?",(tr,)).fetchone()[0]
cons=[(i,s) for i,s in db.execute("select id,serial from meters where transformer_id=? and id<>? order by id",(tr,tm))]
def series(m,q):
    return dict(db.execute("select time,value from readings where meter=? and quantity=?",(m,q)).fetchall())
imp={i:series(i,1) for i,_ in cons}; exp={i:series(i,2) for i,_ in cons}; T=series(tm,1)
times=sorted(t for t in T if all(t in imp[i] for i,_ in cons))
print(len(cons),'consumers',len(times),'complete of',len(T))
loss=[T[t]-sum(imp[i][t] for i,_ in cons) for t in times]
def D(v): return [v[k+1]-v[k] for k in range(len(v)-1)]
dy=D(loss); X={i:D([imp[i][t] for t in times]) for i,_ in cons}; E={i:D([exp[i].get(t,0) for t in times]) for i,_ in cons}
dT=[sum(X[i][k] for i,_ in cons) for k in range(len(dy))]
def ols(cols,y):
    p=len(cols); G=[[sum(a*b for a,b in zip(cols[r],cols[c])) for c in range(p)] for r in range(p)]; b=[sum(a*v for a,v in zip(cols[r],y)) for r in range(p)]
    for r in range(p): G[r][r]+=1e-9*G[r][r]+1e-12
    # gauss
    A=[G[r]+[b[r]] for r in range(p)]
    for c in range(p):
        piv=max(range(c,p),key=lambda r:abs(A[r][c])); A[c],A[piv]=A[piv],A[c]
        for r in range(p):
            if r!=c:
                f=A[r][c]/A[c][c]; A[r]=[x-f*z for x,z in zip(A[r],A[c])]
    th=[A[r][p]/A[r][r] for r in range(p)]
    res=[v-sum(th[j]*cols[j][k] for j in range(p)) for k,v in enumerate(y)]
    return th,res
n=len(dy); one=[1.0]*n
def idx(iso):
    ts=int(datetime.datetime.fromisoformat(iso.replace('Z','+00:00').split('.')[0]+'+00:00' if '.' in iso else iso.replace('Z','+00:00')).timestamp()*1e6)
    return next((k for k,t in enumerate(times) if t>=ts),n)
def partial(res,j,a,b):
    ind=lambda v:[v[k] if a<=k<b else 0 for k in range(n)]
    cols=[[1.0 if a<=k<b else 0 for k in range(n)],ind(dT)]
    _,r0=ols(cols,ind(res)); _,r1=ols(cols+[ind(X[j])],ind(res))
    s0=sum(x*x for x in r0[a:b]); s1=sum(x*x for x in r1[a:b])
    return 1-s1/s0, (s0-s1)/(s1/max(1,b-a-3))
serial={i:s for i,s in cons}
thieves=[(i,truth[s]) for i,s in cons if s in truth]
for label,extra in [('base',[]),('+exports',[E[i] for i,_ in cons if any(abs(v)>0 for v in E[i])])]:
    th,res=ols([one,dT]+extra,dy)
    print(label,'c=',round(th[1],4),'extra cols',len(extra))
    for i,t in thieves:
        a=idx(t['start']); b=idx(t['end']) if t.get('end') else n
        if b-a<16: continue
        r2,F=partial(res,i,a,b)
        print('  ',serial[i],t['pattern'],t.get('share'),'span',a,b,'explained %.2f F %.0f'%(r2,F))
print('joint: every theft span as columns; each one partial F given the others')
th,res=ols([one,dT],dy)
spans=[]
for i,t in thieves:
    a=idx(t['start']); b=idx(t['end']) if t.get('end') else n
    if b-a>=16: spans.append((i,t,a,b))
def cols_for(i,a,b):
    return [[X[i][k] if a<=k<b else 0 for k in range(n)]]
allc=[one,dT]
for i,t,a,b in spans: allc+=cols_for(i,a,b)
thf,rf=ols(allc,dy); rssf=sum(x*x for x in rf)
sig2=rssf/(n-len(allc))
for q,(i,t,a,b) in enumerate(spans):
    c=[one,dT]+[cc for p,(i2,t2,a2,b2) in enumerate(spans) if p!=q for cc in cols_for(i2,a2,b2)]
    _,r=ols(c,dy); rss=sum(x*x for x in r)
    # explained within span given others
    s_span=sum(r[k]**2 for k in range(a,b)); s_full=sum(rf[k]**2 for k in range(a,b))
    print('  ',serial[i],t['pattern'],t.get('share'),'coef %.2f'%thf[2+q],'F %.0f'%((rss-rssf)/sig2),'span explained %.2f'%(1-s_full/s_span))
print('noise sd after joint', sig2**0.5, 'sd of dy', (sum(v*v for v in dy)/n)**0.5)
for i,t,a,b in spans:
    xs=X[i][a:b]; print('  ',serial[i],'sd of its jumps %.1f'%((sum(v*v for v in xs)/len(xs))**0.5))
