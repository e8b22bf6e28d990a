"""A download too slow is given up: an overall deadline and a minimum rate, both stated."""

import hashlib
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from w2vstudio.core.corpus.download import Corpus, Limits, fetch
from w2vstudio.core.errors import W2VError

DATA = b"word " * 200


class Trickle(BaseHTTPRequestHandler):
    """One byte every 0.2 s."""

    def do_GET(self):
        self.send_response(200)
        self.send_header("Content-Length", str(len(DATA)))
        self.end_headers()
        try:
            for b in DATA:
                self.wfile.write(bytes([b]))
                self.wfile.flush()
                time.sleep(0.2)
        except OSError:
            pass

    def log_message(self, *args):
        pass


@pytest.fixture
def server():
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Trickle)
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/slow.txt"
    httpd.shutdown()
    httpd.server_close()


def _corpus(url):
    return Corpus(name="slow", title="Slow", url=url, size=len(DATA), md5=hashlib.md5(DATA).hexdigest(),
                  words="a few", licence="CC0", source="here", description="slow")


@pytest.mark.parametrize("limits,says", [
    (Limits(deadline=1.5, min_rate=0, window=100), "deadline of 2 s"),
    (Limits(deadline=100, min_rate=100, window=1), "below the minimum of 100 bytes/s over 1 s"),
])
def test_a_trickle_is_given_up(server, tmp_path, limits, says):
    start = time.monotonic()
    with pytest.raises(W2VError, match="slow.txt: ") as caught:
        fetch(_corpus(server), tmp_path, limits=limits)
    assert says in str(caught.value) and "\n" not in str(caught.value)
    assert time.monotonic() - start < 10
    assert [p.name for p in (tmp_path / "slow").iterdir()] == []
