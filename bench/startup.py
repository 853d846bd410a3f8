#!/usr/bin/env python3
"""Launch of bin/heimdall to the port accepting a connection, N launches; prints each and the medians.

    flock /work/briefs/cpu.lock bench/startup.py DIST [N] [NAME=VALUE ...]

DIST is an unpacked distribution; each launch runs DIST/bin/heimdall on a fresh copy of DIST/conf/heimdall.yaml with
--port set to a free port, polls connect() every 2 ms, reads the JVM's CPU time (utime + stime of every thread, from
/proc/<pid>/stat) at that moment, then the time of the 'Heimdall listening' line, and stops it with SIGTERM.
It also reads each thread's CPU at that moment (/proc/<pid>/task/*) and prints the median by thread kind: the main
thread ('java': JVM creation, then Main), the C1 and C2 compilers, the virtual-thread carriers, GC, the others.
NAME=VALUE pairs are added to the environment (e.g. HEIMDALL_AOT_CACHE=off).
"""
import collections, os, re, select, shutil, signal, socket, statistics, subprocess, sys, tempfile, time

dist = sys.argv[1]
runs = int(sys.argv[2]) if len(sys.argv) > 2 else 7
env = dict(os.environ)
for kv in sys.argv[3:]:
    k, v = kv.split('=', 1)
    env[k] = v


def thread_cpu(pid):
    """CPU seconds by thread kind (names without their -N numbers) of process pid, now."""
    by = collections.Counter()
    tick = os.sysconf('SC_CLK_TCK')
    for tid in os.listdir(f'/proc/{pid}/task'):
        try:
            name = open(f'/proc/{pid}/task/{tid}/comm').read().strip()
            stat = open(f'/proc/{pid}/task/{tid}/stat').read().rsplit(')', 1)[1].split()
        except OSError:
            continue  # the thread ended meanwhile
        by[re.sub(r'-\d+|-$', '', name)] += (int(stat[11]) + int(stat[12])) / tick
    return by


def free_port():
    with socket.socket() as s:
        s.bind(('127.0.0.1', 0))
        return s.getsockname()[1]


walls, cpus, threads = [], [], collections.defaultdict(list)
for i in range(runs):
    conf = tempfile.mkdtemp()
    shutil.copy(os.path.join(dist, 'conf/heimdall.yaml'), conf)
    port = free_port()
    t0 = time.monotonic()
    p = subprocess.Popen([os.path.join(dist, 'bin/heimdall'), '--port', str(port), '--config',
                          os.path.join(conf, 'heimdall.yaml')], env=env, stdout=subprocess.PIPE,
                         stderr=subprocess.DEVNULL, text=True)
    wall = cpu = None
    while time.monotonic() - t0 < 30 and p.poll() is None:
        try:
            socket.create_connection(('127.0.0.1', port), timeout=0.05).close()
        except OSError:
            time.sleep(0.002)
            continue
        wall = time.monotonic() - t0
        stat = open(f'/proc/{p.pid}/stat').read().rsplit(')', 1)[1].split()
        cpu = (int(stat[11]) + int(stat[12])) / os.sysconf('SC_CLK_TCK')
        by_thread = thread_cpu(p.pid)
        break
    line = None
    while time.monotonic() - t0 < 30 and select.select([p.stdout], [], [], 1)[0]:
        text = p.stdout.readline()
        if not text or 'Heimdall listening' in text:
            line = time.monotonic() - t0 if text else None
            break
    p.send_signal(signal.SIGTERM)
    try:
        p.wait(timeout=15)
    except subprocess.TimeoutExpired:
        p.kill()
        p.wait()
    shutil.rmtree(conf, ignore_errors=True)
    if wall is None:
        print(f'launch {i}: not listening within 30 s')
        continue
    walls.append(wall)
    cpus.append(cpu)
    for kind in set(threads) | set(by_thread):
        threads[kind].append(by_thread.get(kind, 0.0))
    print(f'launch {i}: listening after {wall * 1000:.0f} ms (cpu {cpu * 1000:.0f} ms), line after '
          f'{line * 1000 if line else -1:.0f} ms', flush=True)
if walls:
    print(f'{dist}: median {statistics.median(walls) * 1000:.0f} ms (min {min(walls) * 1000:.0f}, max '
          f'{max(walls) * 1000:.0f}), cpu median {statistics.median(cpus) * 1000:.0f} ms, {len(walls)}/{runs} launches')
    top = sorted(threads.items(), key=lambda kv: -statistics.median(kv[1]))
    print('cpu by thread at listening (median ms): ' + ', '.join(
        f'{kind} {statistics.median(v) * 1000:.0f}' for kind, v in top if statistics.median(v) > 0))
