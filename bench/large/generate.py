"""A valid scenario of about BYTES bytes: 64 CPUs, 2,048 root tasks, each switched in, granted a port by ioperm()
and writing to it, round after round. For the memory figures of docs/benchmarks.md (issue 17).
Usage: python3 bench/large/generate.py BYTES > FILE.kscn"""
import sys
target = int(sys.argv[1]); cpus = 64; tasks = 2048
out = ['scenario "large" {', f'  cpus {cpus}']
out += [f'  task T{i} root' for i in range(tasks)]
size = sum(len(l)+1 for l in out)
running = [None]*cpus
r = 0
while size < target:
    for t in range(tasks):
        c = t % cpus
        port = (t*7 + r) % 0x10000
        lines = [f'  cpu{c} switch T{t}',
                 f'  cpu{c} T{t}: ioperm({port}, 1, on) -> 0',
                 f'  cpu{c} T{t}: outb {port} -> ok']
        if running[c] == t: lines = lines[1:]
        running[c] = t
        out += lines; size += sum(len(l)+1 for l in lines)
        if size >= target: break
    r += 1
out.append('}')
print('\n'.join(out))
