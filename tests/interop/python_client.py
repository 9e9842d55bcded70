"""An independent client in another language: Python's grpcio (gRPC core) against
`antom-sidecar dev`. Stubs are generated from proto/ at run time with grpcio-tools.

Run: python tests/interop/python_client.py path/to/antom-sidecar
(.ci/run installs grpcio, grpcio-tools and grpcio-status in a virtualenv first.)
"""

import os
import subprocess
import sys
import tempfile
import threading
import unittest

import grpc
from google.rpc import error_details_pb2
from grpc_status import rpc_status
from grpc_tools import protoc

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BINARY = sys.argv.pop(1) if len(sys.argv) > 1 else os.path.join(ROOT, "target", "debug", "antom-sidecar")


def generate_stubs():
    out = tempfile.mkdtemp(prefix="antom-stubs-")
    proto_dir = os.path.join(ROOT, "proto")
    include = os.path.join(os.path.dirname(protoc.__file__), "_proto")
    code = protoc.main(["protoc", f"-I{proto_dir}", f"-I{include}", f"--python_out={out}", f"--grpc_python_out={out}",
                        "antom/risk/v1/risk_service.proto"])
    assert code == 0, "grpcio-tools failed to compile the proto"
    sys.path.insert(0, out)
    from antom.risk.v1 import risk_service_pb2, risk_service_pb2_grpc
    return risk_service_pb2, risk_service_pb2_grpc


pb, pb_grpc = generate_stubs()


class PythonClient(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.proc = subprocess.Popen([BINARY, "dev", "--listen", "127.0.0.1:0"], stdout=subprocess.PIPE,
                                    stderr=subprocess.DEVNULL, text=True, env={"PATH": os.environ.get("PATH", "")})
        first = cls.proc.stdout.readline()
        assert "gRPC on " in first, f"unexpected banner: {first!r}"
        # Keep draining stdout so the sidecar never writes into a full pipe.
        threading.Thread(target=cls.proc.stdout.read, daemon=True).start()
        address = first.split("gRPC on ", 1)[1].split(",", 1)[0]
        cls.channel = grpc.insecure_channel(address)
        cls.stub = pb_grpc.RiskServiceStub(cls.channel)

    @classmethod
    def tearDownClass(cls):
        cls.channel.close()
        cls.proc.terminate()
        assert cls.proc.wait(timeout=20) == 0, "SIGTERM ends dev mode cleanly"

    def request(self, reference, **extra):
        return pb.SendPaymentResultRequest(reference_transaction_id=reference, payment_status=pb.PAYMENT_STATUS_SUCCESS,
                                           payment_method_provider="VISA", **extra)

    def details(self, err, kind):
        status = rpc_status.from_call(err)
        self.assertIsNotNone(status, "rich error details are present")
        for any_detail in status.details:
            detail = kind()
            if any_detail.Unpack(detail):
                return detail
        self.fail(f"no {kind.DESCRIPTOR.name} in the details")

    def test_success_with_nested_messages(self):
        three_ds = pb.ThreeDSResult(three_ds_version="2.2.0", eci="05",
                                    three_ds_interaction_mode=pb.THREE_DS_INTERACTION_MODE_CHALLENGED)
        card = pb.CardVerificationResult(authentication_type=pb.AUTHENTICATION_TYPE_3D, three_ds_result=three_ds)
        response = self.stub.SendPaymentResult(self.request("py-tx-1", card_verification_result=card), timeout=10)
        self.assertEqual(response.result_code, "SUCCESS")
        self.assertEqual(response.result_status, pb.RESULT_STATUS_SUCCESS)

    def test_validation_error_names_fields(self):
        with self.assertRaises(grpc.RpcError) as caught:
            self.stub.SendPaymentResult(pb.SendPaymentResultRequest(), timeout=10)
        self.assertEqual(caught.exception.code(), grpc.StatusCode.INVALID_ARGUMENT)
        bad = self.details(caught.exception, error_details_pb2.BadRequest)
        fields = [v.field for v in bad.field_violations]
        self.assertEqual(fields, ["reference_transaction_id", "payment_status", "payment_method_provider"])

    def test_antom_result_maps_to_code_with_error_info(self):
        with self.assertRaises(grpc.RpcError) as caught:
            self.stub.SendPaymentResult(self.request("emu-code-REQUEST_TRAFFIC_EXCEED_LIMIT-py"), timeout=10)
        self.assertEqual(caught.exception.code(), grpc.StatusCode.RESOURCE_EXHAUSTED)
        info = self.details(caught.exception, error_details_pb2.ErrorInfo)
        self.assertEqual((info.domain, info.reason, info.metadata["resultStatus"]),
                         ("antom.com", "REQUEST_TRAFFIC_EXCEED_LIMIT", "U"))
        self.details(caught.exception, error_details_pb2.RetryInfo)

    def test_deadline(self):
        with self.assertRaises(grpc.RpcError) as caught:
            self.stub.SendPaymentResult(self.request("emu-delay-3000-py"), timeout=0.3)
        self.assertEqual(caught.exception.code(), grpc.StatusCode.DEADLINE_EXCEEDED)
        # The sidecar's answer, with details, not grpcio's own timer.
        info = self.details(caught.exception, error_details_pb2.ErrorInfo)
        self.assertEqual((info.domain, info.reason), ("antom-sidecar", "UPSTREAM_TIMEOUT"))


if __name__ == "__main__":
    unittest.main(verbosity=2)
