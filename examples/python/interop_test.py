"""An independent client in another language: Python's grpcio (gRPC core) against
`antom-sidecar dev`. Stubs are generated from proto/ at run time with grpcio-tools, and
the dev processes started and stopped, by devmode.py (shared with sdk_compare_test.py).
The admin listener's /metrics is read with the Prometheus project's own Python parsers
(text 0.0.4 and OpenMetrics), a W3C traceparent is followed to the emulator, and the
example client (client.py, with rpc_errors.py) runs against a dev process of its own.

Run: bash examples/python/test.sh [path/to/antom-sidecar], which installs
requirements.txt and requirements-test.txt into run.sh's virtualenv and runs
python examples/python/interop_test.py [path/to/antom-sidecar]
(default: target/debug/antom-sidecar), then sdk_compare_test.py.
"""

import contextlib
import io
import json
import sys
import unittest
import urllib.request

import grpc
from google.rpc import error_details_pb2
from grpc_status import rpc_status
from prometheus_client import parser
from prometheus_client.openmetrics import parser as openmetrics_parser

import devmode
from devmode import HERE, pb

# The example's modules, with the stubs just generated (client.py finds them imported).
sys.path.insert(0, HERE)
import client  # noqa: E402
import rpc_errors  # noqa: E402


class DevMode(devmode.DevMode):
    """devmode.DevMode, with a valid SendPaymentResultRequest to hand."""

    def request(self, reference, **extra):
        return pb.SendPaymentResultRequest(reference_transaction_id=reference, payment_status=pb.PAYMENT_STATUS_SUCCESS,
                                           payment_method_provider="VISA", **extra)


class PythonClient(DevMode):

    def details(self, err, kind):
        status = rpc_status.from_call(err)
        self.assertIsNotNone(status, "rich error details are present")
        for any_detail in status.details:
            detail = kind()
            if any_detail.Unpack(detail):
                return detail
        self.fail(f"no {kind.DESCRIPTOR.name} in the details")

    def test_error_helper_reads_every_detail(self):
        with self.assertRaises(grpc.RpcError) as caught:
            self.stub.SendPaymentResult(self.request("emu-code-UNKNOWN_EXCEPTION-py-helper"), timeout=10)
        details = rpc_errors.details(caught.exception)
        self.assertEqual(details.code, grpc.StatusCode.UNAVAILABLE)
        self.assertEqual((details.error_info.domain, details.error_info.reason), ("antom.com", "UNKNOWN_EXCEPTION"))
        self.assertEqual(details.retry_delay, 1.0)
        self.assertIsNone(details.bad_request)
        with self.assertRaises(grpc.RpcError) as caught:
            self.stub.SendPaymentResult(pb.SendPaymentResultRequest(payment_status=pb.PAYMENT_STATUS_FAIL), timeout=10)
        details = rpc_errors.details(caught.exception)
        self.assertEqual((details.error_info.domain, details.error_info.reason), ("antom-sidecar", "INVALID_REQUEST"))
        self.assertEqual(details.bad_fields, ["reference_transaction_id", "payment_method_provider"])
        self.assertIsNone(details.retry_delay)

    def test_example_client_output(self):
        # The contract the Node, Go and Python examples share (<lang> = python; .ci/examples).
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            problems = client.run(self.stub)
        self.assertEqual(problems, [])
        lines = out.getvalue().splitlines()
        self.assertEqual(len(lines), 10, lines)
        expected = [
            "ok status=SUCCESS reference=python-success-1 result=SUCCESS",
            "ok status=FAIL reference=python-fail-1 result=SUCCESS",
            "ok refund=python-refund-1 reference=python-success-1 result=SUCCESS",
            "ok risk_type=SUSPICIOUS reference=python-fail-1 result=SUCCESS",
            "ok decision=ACCEPT reference=python-decide-1 result=SUCCESS",
            "ok decision=REJECT reference=emu-reject-python-decide-1 result=SUCCESS",
            "error reference=emu-code-PARAM_ILLEGAL-python-1 code=INVALID_ARGUMENT domain=antom.com"
            " reason=PARAM_ILLEGAL result_status=F retry=no",
            "invalid reference=python-invalid-1 code=INVALID_ARGUMENT domain=antom-sidecar reason=INVALID_REQUEST"
            " fields=payment_method_provider,card_verification_result.three_ds_result.eci",
            None,
            "ok status=SUCCESS reference=emu-flaky-3-python-1 result=SUCCESS attempts=2",
        ]
        for line, want in zip(lines, expected):
            if want is not None:
                self.assertEqual(line, want)
        self.assertRegex(lines[8], r"^retry reference=emu-flaky-3-python-1 attempt=1 code=UNAVAILABLE after_ms=\d+$")
        with urllib.request.urlopen(f"{self.emulator}/__emulator/received", timeout=10) as response:
            received = json.load(response)

        def bodies(api, reference):
            return [r["body"] for r in received
                    if r["path"].endswith(f"/{api}") and r["body"]["referenceTransactionId"] == reference]

        failed = bodies("sendPaymentResult", "python-fail-1")
        self.assertEqual(failed[0]["cardVerificationResult"]["threeDSResult"],
                         {"threeDSVersion": "2.2.0", "threeDSInteractionMode": "CHALLENGE", "eci": "05",
                          "cavv": "AAABCZIhcQAAAABZlyFxAAAAAAA="})
        self.assertEqual(failed[0]["authorizationError"], {"errorCode": "05", "errorMessage": "Do not honor"})
        # Typed in, strings out: the amount's int64 and the Timestamp (to the second, +00:00).
        (refund,) = bodies("sendRefundResult", "python-success-1")
        self.assertEqual(refund["actualRefundAmount"], {"currency": "USD", "value": "1000"})
        self.assertEqual(refund["refundRecords"][0]["amount"], {"currency": "USD", "value": "1000"})
        self.assertRegex(refund["refundRecords"][0]["refundTime"], r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00$")
        (report,) = bodies("reportRisk", "python-fail-1")
        self.assertEqual(report["riskType"], "SUSPICIOUS")
        self.assertRegex(report["riskOccurrenceTime"], r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00$")
        # Decide: the six required fields; amounts typed in, strings out; arrays stay arrays.
        (decided,) = bodies("decide", "python-decide-1")
        amount = {"currency": "USD", "value": "1900"}
        self.assertEqual(decided, {
            "referenceTransactionId": "python-decide-1", "authorizationPhase": "PRE_AUTHORIZATION",
            "orders": [{"referenceOrderId": "python-decide-1-order", "orderAmount": amount}],
            "buyer": {"referenceBuyerId": "buyer-42"}, "actualPaymentAmount": amount,
            "paymentDetails": [{"amount": amount, "paymentMethod": {"paymentMethodType": "CARD"}}],
        })

    def test_traceparent_reaches_antom(self):
        trace_id, caller_span = "0af7651916cd43dd8448eb211c80319c", "b7ad6b7169203331"
        metadata = (("traceparent", f"00-{trace_id}-{caller_span}-01"),)
        self.stub.SendPaymentResult(self.request("py-traced"), timeout=10, metadata=metadata)
        with urllib.request.urlopen(f"{self.emulator}/__emulator/requests", timeout=10) as response:
            seen = [r for r in json.load(response) if r["referenceTransactionId"] == "py-traced"]
        version, upstream_trace, parent, flags = seen[0]["traceparent"].split("-")
        self.assertEqual((version, upstream_trace, flags), ("00", trace_id, "01"))
        self.assertEqual(parent, caller_span, "nothing exported: the caller's span is passed on")

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
        # At 1 s the sidecar answers 100 ms early: room for a loaded machine (at 0.3 s, 30 ms,
        # grpcio's own timer once won under a load of 8). benches/deadlines checks 100 ms.
        with self.assertRaises(grpc.RpcError) as caught:
            self.stub.SendPaymentResult(self.request("emu-delay-3000-py"), timeout=1.0)
        self.assertEqual(caught.exception.code(), grpc.StatusCode.DEADLINE_EXCEEDED)
        # The sidecar's answer, with details, not grpcio's own timer.
        info = self.details(caught.exception, error_details_pb2.ErrorInfo)
        self.assertEqual((info.domain, info.reason), ("antom-sidecar", "UPSTREAM_TIMEOUT"))


RISK = {"grpc_type": "unary", "grpc_service": "antom.risk.v1.RiskService", "grpc_method": "SendPaymentResult"}


class Observability(DevMode):
    """One known sequence of calls, then what the admin listener counted."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        for reference in ["py-ok-1", "py-ok-2", "emu-flaky-1-py"]:
            cls.stub.SendPaymentResult(cls.request(cls, reference), timeout=10)
        for request in [cls.request(cls, "emu-code-ACCESS_DENIED-py"), pb.SendPaymentResultRequest()]:
            try:
                cls.stub.SendPaymentResult(request, timeout=10)
                raise AssertionError("the call should fail")
            except grpc.RpcError:
                pass

    def scrape(self, families, accept=None):
        request = urllib.request.Request(f"http://{self.admin}/metrics", headers={"Accept": accept} if accept else {})
        with urllib.request.urlopen(request, timeout=10) as response:
            text = response.read().decode()
        samples = {}
        for family in families(text):
            for sample in family.samples:
                samples[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
        return samples

    def check_counts(self, samples):
        def value(name, **labels):
            return samples.get((name, tuple(sorted(labels.items()))))
        handled = "grpc_server_handled_total"
        self.assertEqual(value(handled, grpc_code="OK", **RISK), 3)
        self.assertEqual(value(handled, grpc_code="PermissionDenied", **RISK), 1)
        self.assertEqual(value(handled, grpc_code="InvalidArgument", **RISK), 1)
        self.assertEqual(value(handled, grpc_code="Unavailable", **RISK), 0)
        self.assertEqual(value("grpc_server_handling_seconds_count", **RISK), 5)
        api = {"api": "sendPaymentResult"}
        requests = "antom_requests_total"
        self.assertEqual(value(requests, result_status="S", result_code="SUCCESS", **api), 3)
        self.assertEqual(value(requests, result_status="F", result_code="ACCESS_DENIED", **api), 1)
        self.assertEqual(value(requests, result_status="U", result_code="UNKNOWN_EXCEPTION", **api), 1)
        self.assertEqual(value("antom_request_duration_seconds_count", **api), 5)
        self.assertEqual(value("antom_retries_total", reason="U_RESULT", **api), 1)
        self.assertEqual(value("sidecar_inflight_calls"), 0)

    def test_metrics_in_the_prometheus_text_format(self):
        self.check_counts(self.scrape(parser.text_string_to_metric_families))

    def test_metrics_in_openmetrics(self):
        self.check_counts(self.scrape(openmetrics_parser.text_string_to_metric_families,
                                      accept="application/openmetrics-text; version=1.0.0"))

    def test_readyz_and_livez(self):
        for path, body in [("/readyz", "ready\n"), ("/livez", "alive\n")]:
            with urllib.request.urlopen(f"http://{self.admin}{path}", timeout=10) as response:
                self.assertEqual((response.status, response.read().decode()), (200, body))


if __name__ == "__main__":
    unittest.main(verbosity=2)
