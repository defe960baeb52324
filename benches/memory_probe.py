"""Peak memory of hostile answers through the C ABI (issue 11), for any libopenint build.

    python3 benches/memory_probe.py peer                 # serves the cases on 127.0.0.1 (prints its port)
    python3 benches/memory_probe.py run LIB PORT CASE    # one case in this (fresh) process

A case's number is the growth of the process's peak RSS (VmHWM) during the call: the library's
own memory for that answer. `benches/memory.sh` runs every case for the current build and,
given a second library, for it too, side by side. Not a test: it prints numbers.
"""
import ctypes
import socket
import sys
import threading
import zlib

MB = 1 << 20
CASES = {
    # name: what the peer answers
    "tiny-items-cursor": "a 100 MB page {\"items\":[0,0,...]} walked with the cursor",
    "tiny-items-page": "the same page through openint_page_item for every item",
    "gzip-bomb": "a gzip body inflating to 10 GB (default max_body_bytes)",
    "error-body": "a 500 with a 200 MB body",
}


def vm_hwm() -> int:
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) * 1024
    return 0


def serve(conn: socket.socket) -> None:
    req = b""
    while b"\r\n\r\n" not in req:
        chunk = conn.recv(65536)
        if not chunk:
            return
        req += chunk
    path = req.split(b" ", 2)[1].decode()
    try:
        if "/tiny/" in path:
            if "offset=" in path:
                body = b'{"items":[]}'
                conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n" % len(body) + body)
                return
            # {"items":[0,0,...,0]}: 100 MB of two-byte items.
            block = b",0" * (MB // 2)
            length = len(b'{"items":[0') + 100 * len(block) + len(b"]}")
            conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n" % length)
            conn.sendall(b'{"items":[0')
            for _ in range(100):
                conn.sendall(block)
            conn.sendall(b"]}")
        elif "/bomb/" in path:
            conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Encoding: gzip\r\nConnection: close\r\n\r\n")
            z = zlib.compressobj(9, zlib.DEFLATED, 31)
            zeros = b"0" * MB
            for _ in range(10 * 1024):
                conn.sendall(z.compress(zeros))
            conn.sendall(z.flush())
        elif "/errbody/" in path:
            total = 200 * MB
            conn.sendall(b"HTTP/1.1 500 Internal Server Error\r\nContent-Length: %d\r\n\r\n" % total)
            block = b"x" * MB
            for _ in range(200):
                conn.sendall(block)
    except OSError:
        pass  # the client hung up: it read what it needed
    finally:
        conn.close()


def peer() -> None:
    s = socket.socket()
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(("127.0.0.1", 0))
    s.listen(64)
    print(s.getsockname()[1], flush=True)
    while True:
        c, _ = s.accept()
        threading.Thread(target=serve, args=(c,), daemon=True).start()


def run(lib_path: str, port: int, case: str) -> None:
    lib = ctypes.CDLL(lib_path)
    P = ctypes.c_void_p
    lib.openint_client_new.argtypes = [ctypes.c_char_p, ctypes.POINTER(P), ctypes.POINTER(P)]
    lib.openint_client_new.restype = ctypes.c_uint32
    lib.openint_client_list_connectors.argtypes = [P, ctypes.c_char_p, ctypes.POINTER(P), ctypes.POINTER(P)]
    lib.openint_client_list_connectors.restype = ctypes.c_uint32
    lib.openint_client_list_connectors_cursor.argtypes = [P, ctypes.c_char_p, ctypes.POINTER(P), ctypes.POINTER(P)]
    lib.openint_client_list_connectors_cursor.restype = ctypes.c_uint32
    lib.openint_cursor_next.argtypes = [P, ctypes.c_double, ctypes.POINTER(ctypes.c_char_p), ctypes.POINTER(ctypes.c_size_t), ctypes.POINTER(P)]
    lib.openint_cursor_next.restype = ctypes.c_uint32
    lib.openint_page_item_count.argtypes = [P, ctypes.POINTER(ctypes.c_size_t), ctypes.POINTER(P)]
    lib.openint_page_item_count.restype = ctypes.c_uint32
    lib.openint_page_item.argtypes = [P, ctypes.c_size_t, ctypes.POINTER(ctypes.c_char_p), ctypes.POINTER(ctypes.c_size_t), ctypes.POINTER(P)]
    lib.openint_page_item.restype = ctypes.c_uint32
    lib.openint_status_name.argtypes = [ctypes.c_uint32]
    lib.openint_status_name.restype = ctypes.c_char_p
    for f in ("openint_page_free", "openint_cursor_free", "openint_client_free", "openint_error_free"):
        getattr(lib, f).argtypes = [P]

    path = {"tiny-items-cursor": "tiny", "tiny-items-page": "tiny", "gzip-bomb": "bomb", "error-body": "errbody"}[case]
    opts = b'{"base_url":"http://127.0.0.1:%d/%s/v1","max_retries":0,"timeout":120}' % (port, path.encode())
    client = P()
    err = P()
    assert lib.openint_client_new(opts, ctypes.byref(client), ctypes.byref(err)) == 0
    before = vm_hwm()
    items = 0
    if case == "tiny-items-cursor":
        cur = P()
        assert lib.openint_client_list_connectors_cursor(client, b'{"limit":3000}', ctypes.byref(cur), None) == 0
        item = ctypes.c_char_p()
        while True:
            st = lib.openint_cursor_next(cur, 0.0, ctypes.byref(item), None, ctypes.byref(err))
            if st != 0:
                break
            items += 1
        lib.openint_cursor_free(cur)
    else:
        page = P()
        st = lib.openint_client_list_connectors(client, b'{"limit":3000}', ctypes.byref(page), ctypes.byref(err))
        if st == 0 and case == "tiny-items-page":
            n = ctypes.c_size_t()
            lib.openint_page_item_count(page, ctypes.byref(n), None)
            item = ctypes.c_char_p()
            for i in range(n.value):
                lib.openint_page_item(page, i, ctypes.byref(item), None, None)
                items += 1
        lib.openint_page_free(page)
    peak = vm_hwm() - before
    outcome = lib.openint_status_name(st).decode()
    print(f"{case}: peak +{peak / MB:.0f} MB ({outcome}, {items} items)")


if __name__ == "__main__":
    if sys.argv[1] == "peer":
        peer()
    else:
        run(sys.argv[2], int(sys.argv[3]), sys.argv[4])
