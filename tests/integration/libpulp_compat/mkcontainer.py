#!/usr/bin/env python3
"""A minimal writer of libpulp 0.3.x patch containers, from the layout in
docs/ulp-format.md ("libpulp containers"), for the tests: it adds the
.ulp, .ulp.rev and .ulp.comments sections to a copy of a patch object with
objcopy, as libpulp's packer does. Integers are in the ELF file's byte
order (libpulp's packer fwrite()s them natively).

  mkcontainer.py PATCH.so TARGET.so OUT.so [--only-rev] [--comment TEXT]
                 [--func OLD:NEW]... [--ref TARGETVAR:PATCHVAR]...
                 [--tls-ref TARGETVAR:PATCHVAR]... [--dep HEX32]
"""
import argparse, hashlib, os, struct, subprocess, sys, tempfile


class Elf:
    def __init__(self, path):
        self.b = open(path, 'rb').read()
        assert self.b[:4] == b'\x7fELF' and self.b[4] == 2, 'ELF64 only'
        self.e = '<' if self.b[5] == 1 else '>'
        shoff, = struct.unpack_from(self.e + 'Q', self.b, 40)
        shnum, shstrndx = struct.unpack_from(self.e + 'HH', self.b, 60)
        self.secs = []
        for i in range(shnum):
            name, typ, _fl, _ad, off, size, link, _in, _al, ent = \
                struct.unpack_from(self.e + 'IIQQQQIIQQ', self.b, shoff + 64 * i)
            self.secs.append(dict(name=name, type=typ, off=off, size=size, link=link))
        st = self.secs[shstrndx]
        for s in self.secs:
            s['name'] = self.cstr(st['off'] + s['name'])

    def cstr(self, off):
        return self.b[off:self.b.index(b'\0', off)].decode()

    def build_id(self):
        for s in self.secs:
            if s['type'] != 7:
                continue
            off, end = s['off'], s['off'] + s['size']
            while off + 12 <= end:
                nsz, dsz, typ = struct.unpack_from(self.e + 'III', self.b, off)
                d = off + 12 + (nsz + 3) // 4 * 4
                if typ == 3 and self.b[off + 12:off + 12 + nsz] == b'GNU\0':
                    return self.b[d:d + dsz]
                off = d + (dsz + 3) // 4 * 4
        sys.exit('no build-id')

    def symbol(self, name):
        for typ in (2, 11):  # .symtab, then .dynsym
            for s in self.secs:
                if s['type'] != typ:
                    continue
                strs = self.secs[s['link']]
                for k in range(0, s['size'], 24):
                    nm, _inf, _oth, shndx, val, _sz = struct.unpack_from(
                        self.e + 'IBBHQQ', self.b, s['off'] + k)
                    if shndx and self.cstr(strs['off'] + nm) == name:
                        return val
        sys.exit('symbol %s not found' % name)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('patch'); ap.add_argument('target'); ap.add_argument('out')
    ap.add_argument('--func', action='append', default=[])
    ap.add_argument('--ref', action='append', default=[])
    ap.add_argument('--tls-ref', action='append', default=[])
    ap.add_argument('--comment', action='append', default=[])
    ap.add_argument('--dep', action='append', default=[])
    ap.add_argument('--only-rev', action='store_true')
    ap.add_argument('--objcopy', default=os.environ.get('OBJCOPY') or 'objcopy')
    a = ap.parse_args()
    p, t = Elf(a.patch), Elf(a.target)
    e = p.e
    u32 = lambda v: struct.pack(e + 'I', v)
    u64 = lambda v: struct.pack(e + 'Q', v)
    s_nul = lambda s: u32(len(s) + 1) + s.encode() + b'\0'
    # Patch id: the container's build-id (first 16 bytes), then the MD4 of
    # the descriptor in libpulp; any 16 bytes serve here.
    pid = (p.build_id()[:16].ljust(16, b'\0') +
           hashlib.sha256(' '.join(sys.argv).encode()).digest()[:16])
    tid = t.build_id()
    tname = os.path.basename(a.target)
    ulp = b'\x01' + pid + u32(len(tid)) + tid + s_nul(tname)
    ulp += u32(len(a.func))
    for f in a.func:
        old, new = f.split(':')
        p.symbol(new)  # libpulp's packer checks it exists
        ulp += s_nul(old) + s_nul(new) + u64(t.symbol(old))
    ulp += u32(len(a.dep)) + b''.join(bytes.fromhex(d) for d in a.dep)
    refs = [(r, 0) for r in a.ref] + [(r, 1) for r in a.tls_ref]
    ulp += u32(len(refs))
    for r, tls in refs:
        tv, pv = r.split(':')
        ulp += s_nul(tv) + s_nul(pv) + u64(t.symbol(tv)) + u64(p.symbol(pv))
        ulp += bytes([tls])
    # The revert: no NUL counted in the name length (as libpulp writes it).
    rev = b'\x02' + pid + u32(len(tid)) + tid + u32(len(tname)) + tname.encode()
    with tempfile.TemporaryDirectory() as d:
        args = [a.objcopy]
        secs = [('.ulp.rev', rev)]
        if not a.only_rev:
            secs.append(('.ulp', ulp))
        if a.comment:
            secs.append(('.ulp.comments',
                         ''.join(c + '\n' for c in a.comment).encode() + b'\0'))
        for name, data in secs:
            f = os.path.join(d, name.strip('.'))
            open(f, 'wb').write(data)
            args += ['--add-section', '%s=%s' % (name, f)]
        subprocess.check_call(args + [a.patch, a.out])


main()
