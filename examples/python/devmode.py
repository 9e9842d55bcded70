"""What interop_test.py and sdk_compare_test.py share: stubs and a `dev` process.

Importing this module
- takes the sidecar binary to run from argv[1] if given, removing it so that
  unittest.main does not read it as a test name (BINARY; default:
  target/debug/antom-sidecar), and
- generates the stubs from proto/ with grpcio-tools into a temporary directory, put
  first on sys.path (pb, pb_grpc: antom.risk.v1's risk_service_pb2 and _pb2_grpc),
  and removed when the interpreter exits.

DevMode is a TestCase base: each subclass gets an `antom-sidecar dev` process of its
own for its tests, every listener on a free port, stopped with SIGTERM at the end.
"""

import atexit
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import unittest

import grpc
from grpc_tools import protoc

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
BINARY = sys.argv.pop(1) if len(sys.argv) > 1 else os.path.join(ROOT, "target", "debug", "antom-sidecar")


def generate_stubs():
    out = tempfile.mkdtemp(prefix="antom-stubs-")
    atexit.register(shutil.rmtree, out, ignore_errors=True)
    proto_dir = os.path.join(ROOT, "proto")
    include = os.path.join(os.path.dirname(protoc.__file__), "_proto")  # google/protobuf/*.proto
    code = protoc.main(["protoc", f"-I{proto_dir}", f"-I{include}", f"--python_out={out}", f"--grpc_python_out={out}",
                        "antom/risk/v1/risk_service.proto"])
    assert code == 0, "grpcio-tools failed to compile the proto"
    sys.path.insert(0, out)
    from antom.risk.v1 import risk_service_pb2, risk_service_pb2_grpc
    return risk_service_pb2, risk_service_pb2_grpc


pb, pb_grpc = generate_stubs()


def after(line, prefix):
    """The address that follows prefix in dev's first line (up to a comma or a space)."""
    return line.split(prefix, 1)[1].split(",", 1)[0].split(" ", 1)[0].strip()


class DevMode(unittest.TestCase):
    """A `dev` process of the class's own, its admin listener on a free port.

    Sets, on the class: proc, admin (host:port), emulator (a URL), channel, stub.
    """

    @classmethod
    def setUpClass(cls):
        cls.proc = subprocess.Popen([BINARY, "dev", "--listen", "127.0.0.1:0", "--admin-listen", "127.0.0.1:0"],
                                    stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
                                    env={"PATH": os.environ.get("PATH", "")})
        first = cls.proc.stdout.readline()
        assert "gRPC on " in first, f"unexpected banner: {first!r}"
        # Keep draining stdout so the sidecar never writes into a full pipe.
        threading.Thread(target=cls.proc.stdout.read, daemon=True).start()
        cls.admin = after(first, "admin on ")
        cls.emulator = after(first, "emulator on ")
        cls.channel = grpc.insecure_channel(after(first, "gRPC on "))
        cls.stub = pb_grpc.RiskServiceStub(cls.channel)

    @classmethod
    def tearDownClass(cls):
        cls.channel.close()
        cls.proc.terminate()
        assert cls.proc.wait(timeout=20) == 0, "SIGTERM ends dev mode cleanly"
