"""moto in server mode with one request at a time (issue 6).

moto's own `moto_server` serves requests on many threads and its DynamoDB backend takes no
lock, so two concurrent TransactWriteItems calls can both pass their condition checks and both
write. Real DynamoDB isolates transactions (serializable), and the store's optimistic
concurrency depends on it: the ResourceStore contract's "of 50 concurrent commits exactly one
wins" failed on plain moto about one run in two. Serializing requests makes the emulator
faithful on this point; connections are still accepted on many threads.

Usage: moto_server.py --host 127.0.0.1 --port PORT   (same app and handler as moto_server)
"""
import argparse
import os
import signal
import threading

from werkzeug.serving import run_simple

from moto.moto_server.werkzeug_app import (
    DomainDispatcherApplication,
    MotoRequestHandler,
    create_backend_app,
)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    args = parser.parse_args()
    os.environ.setdefault("MOTO_PORT", str(args.port))
    # Exit at once: the state is in memory only, and an orderly interpreter shutdown can wait
    # a long time on threads still holding client keep-alive connections.
    signal.signal(signal.SIGTERM, lambda *_: os._exit(0))

    app = DomainDispatcherApplication(create_backend_app)
    lock = threading.Lock()

    def serialized(environ, start_response):
        # The whole response is built inside the lock, so no request observes another's
        # half-applied writes.
        with lock:
            return list(app(environ, start_response))

    run_simple(args.host, args.port, serialized, threaded=True, use_reloader=False, request_handler=MotoRequestHandler)


if __name__ == "__main__":
    main()
