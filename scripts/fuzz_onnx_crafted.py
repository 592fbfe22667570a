#!/usr/bin/env python3
"""Hand-made ONNX graphs for the fuzz-onnx seed corpus: a minimal protobuf writer (no onnx
package needed) and graphs that reach the importer's constant folding and shape handling
(Reshape/Unsqueeze/Flatten on constants and features, inferred input width, an activation on
the input). Each of these trapped or exhausted memory before the fixes recorded in
docs/fuzzing.md; they now get an ONNXImportError (Tests/HefMLTests: ONNXFuzzFindingTests).

Usage: fuzz_onnx_crafted.py OUT_DIR
"""
import struct, sys, os
def varint(n):
    n &= (1<<64)-1
    out=b""
    while True:
        b=n&0x7f; n>>=7
        if n: out+=bytes([b|0x80])
        else: return out+bytes([b])
def key(f,w): return varint((f<<3)|w)
def ld(f,b): return key(f,2)+varint(len(b))+b
def vi(f,n): return key(f,0)+varint(n)
def s(f,t): return ld(f,t.encode())
def f32(f,x): return key(f,5)+struct.pack("<f",x)
def tensor(name,dims,dtype,floats=None,ints=None):
    b=b"".join(vi(1,d) for d in dims)+vi(2,dtype)
    if floats is not None: b+=ld(4,b"".join(struct.pack("<f",x) for x in floats))
    if ints is not None: b+=ld(7,b"".join(varint(x) for x in ints))
    return b+s(8,name)
def attr_t(name,t): return s(1,name)+ld(5,t)+vi(20,4)
def attr_i(name,i): return s(1,name)+vi(3,i)+vi(20,2)
def node(op,ins,outs,attrs=()):
    return b"".join(s(1,i) for i in ins)+b"".join(s(2,o) for o in outs)+s(4,op)+b"".join(ld(5,a) for a in attrs)
def vinfo(name,dims):
    shape=b"".join(ld(1, vi(1,d) if d is not None else s(2,"N")) for d in (dims or []))
    tt=vi(1,1)+(ld(2,shape) if dims is not None else b"")
    return s(1,name)+ld(2,ld(1,tt))
def model(nodes,inits=(),inp=("X",[1,2]),out="Y"):
    g=b"".join(ld(1,n) for n in nodes)+s(2,"g")+b"".join(ld(5,t) for t in inits)+ld(11,vinfo(*inp))+ld(12,vinfo(out,[1,1]))
    return vi(1,7)+ld(7,g)+ld(8,vi(2,13))
W=tensor("W",[2,1],1,floats=[1,2])
mm=node("MatMul",["R","W"],["Y"])
cases={
 "reshape-const-nan": model([node("Constant",[],["C"],[attr_t("value",tensor("c",[2],1,floats=[1,2]))]),
                            node("Constant",[],["S"],[attr_t("value",tensor("s",[1],1,floats=[float("nan")]))]),
                            node("Reshape",["C","S"],["D"]), node("MatMul",["X","W"],["Y"])],[W]),
 "reshape-stream-huge": model([node("Reshape",["X","S"],["R"]),mm],[W,tensor("S",[2],1,floats=[1,1e30])]),
 "reshape-stream-overflow": model([node("Reshape",["X","S"],["R"]),mm],[W,tensor("S",[3],7,ints=[-1,1<<32,1<<32])]),
 "reshape-const-overflow": model([node("Constant",[],["C"],[attr_t("value",tensor("c",[2],1,floats=[1,2]))]),
                            node("Reshape",["C","S"],["D"]), node("MatMul",["X","W"],["Y"])],[W,tensor("S",[3],7,ints=[-1,1<<32,1<<32])]),
 "flatten-overflow": model([node("Flatten",["Z"],["F"]), node("MatMul",["X","W"],["Y"])],[W,tensor("Z",[0,1<<28,1<<28,1<<28],1)]),
 "inferred-input-huge": model([node("MatMul",["X","W"],["Y"])],[tensor("W",[1<<40,1],1,floats=[1,2])],inp=("X",None)),
 "relu-on-wide-input": model([node("Relu",["X"],["R"]),mm],[W],inp=("X",[1,1<<20])),
 "unsqueeze-nan": model([node("Constant",[],["C"],[attr_t("value",tensor("c",[2],1,floats=[1,2]))]),
                            node("Unsqueeze",["C","S"],["D"]), node("MatMul",["X","W"],["Y"])],[W,tensor("S",[1],1,floats=[float("inf")])]),
}
os.makedirs(sys.argv[1], exist_ok=True)
for k,v in cases.items():
    open(os.path.join(sys.argv[1], f"crafted-{k}.onnx"),"wb").write(v)
