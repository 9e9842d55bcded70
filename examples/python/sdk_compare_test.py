"""Antom's official Python SDK agrees with the sidecar on the wire.

For each case, the same data is sent twice over: once through the sidecar (typed
fields, with the stubs generated from proto/ at run time, to an `antom-sidecar dev`
process of this test's own: both from devmode.py), once built with the request and
model classes of Antom's Python SDK (global-open-sdk-python, pinned in
requirements-test.txt). The body the sidecar sent is read back from the emulator (GET
/__emulator/received: the accepted requests, body parsed); the SDK's is
request.to_ams_json(), the string its client signs and POSTs. Both are compared after
json.loads, since the SDK pretty-prints (indent=3, non-ASCII \\u-escaped) where the
sidecar sends compact UTF-8. A wire name, a nesting or a value type (every value a
string) that the sidecar got wrong shows up as a difference; a failing case prints both
bodies and the paths where they differ.

What the SDK needs that the sidecar does not: amounts' values as strings (it sends an
int as a JSON number), times as preformatted strings (RFC 3339 at seconds, "+00:00", as
its own Request-Time header; the sidecar takes a google.protobuf.Timestamp and drops
sub-second parts, so the sidecar is given nanoseconds here and the SDK the
seconds-only string), refund records as RefundRecord objects.

SendPaymentResult: the SDK's SendPaymentResultRequest (1.7.1) raises on construction
(its __init__ calls super(AlipayRequest, self).__init__(path)) and its module lacks
`import json`, so that body is assembled from the SDK's model classes (AuthorizationError,
CardVerificationResult, RiskThreeDSResult, PaymentStatus) and the request class's own
field mapping, reached past the broken constructor (see sdk_payment).

Run: bash examples/python/test.sh [path/to/antom-sidecar], which runs this after
interop_test.py, or, in run.sh's venv with requirements-test.txt installed,
python examples/python/sdk_compare_test.py [path/to/antom-sidecar]
(default: target/debug/antom-sidecar).
"""

import datetime
import json
import sys
import unittest
import urllib.request
from dataclasses import dataclass, field
from typing import List, Optional

from google.protobuf import timestamp_pb2

from com.alipay.ams.api.default_alipay_client import DefaultAlipayClient
from com.alipay.ams.api.model.amount import Amount
from com.alipay.ams.api.model.antom_path_constants import AntomPathConstants
from com.alipay.ams.api.model.authorization_error import AuthorizationError
from com.alipay.ams.api.model.card_verification_result import CardVerificationResult
from com.alipay.ams.api.model.payment_status import PaymentStatus
from com.alipay.ams.api.model.refund_record import RefundRecord
from com.alipay.ams.api.model.risk_three_ds_result import RiskThreeDSResult
from com.alipay.ams.api.request.alipay_request import AlipayRequest
from com.alipay.ams.api.request.risks.risk_report_request import RiskReportRequest
from com.alipay.ams.api.request.risks.send_payment_result_request import SendPaymentResultRequest
from com.alipay.ams.api.request.risks.send_refund_result_request import SendRefundResultRequest

import devmode
from devmode import pb


# `antom-sidecar dev`'s client ID (src/commands/dev.rs). Should dev call the sandbox
# paths, the SDK's client, given this ID, says which (DefaultAlipayClient.adjust_sandbox_url).
DEV_CLIENT_ID = "SANDBOX_DEV_SIDECAR"
INT64_MAX = 2**63 - 1


# --- The data of a case, in neutral form, and its two renderings ---------------------

@dataclass
class Money:
    currency: str
    value: int  # minor units

    def proto(self):
        return pb.Amount(currency=self.currency, value=self.value)

    def sdk(self):
        return Amount(currency=self.currency, value=str(self.value))  # the SDK wants a str


@dataclass
class Time:
    sdk: str        # what an SDK user passes: RFC 3339 at seconds, UTC written +00:00
    nanos: int = 0  # the sub-second part the sidecar is given (and drops)

    def proto(self):
        seconds = int(datetime.datetime.fromisoformat(self.sdk).timestamp())
        return timestamp_pb2.Timestamp(seconds=seconds, nanos=self.nanos)


@dataclass
class Record:
    order: str = ""
    goods: str = ""
    amount: Optional[Money] = None
    reason: str = ""
    time: Optional[Time] = None

    def proto(self):
        return pb.RefundRecord(reference_order_id=self.order, reference_goods_id=self.goods,
                               amount=self.amount.proto() if self.amount else None, refund_reason=self.reason,
                               refund_time=self.time.proto() if self.time else None)

    def sdk(self):
        record = RefundRecord()
        # The sidecar leaves out what is not set; an SDK user leaves the attribute None.
        record.reference_order_id = self.order or None
        record.reference_goods_id = self.goods or None
        record.amount = self.amount.sdk() if self.amount else None
        record.refund_reason = self.reason or None
        record.refund_time = self.time.sdk if self.time else None
        return record


@dataclass
class Refund:
    case: str
    transaction: str
    refund: str
    actual: Money
    records: List[Record] = field(default_factory=list)

    def proto(self):
        return pb.SendRefundResultRequest(reference_transaction_id=self.transaction, reference_refund_id=self.refund,
                                          actual_refund_amount=self.actual.proto(),
                                          refund_records=[r.proto() for r in self.records])

    def sdk(self):
        request = SendRefundResultRequest()
        request.reference_transaction_id = self.transaction
        request.reference_refund_id = self.refund
        request.actual_refund_amount = self.actual.sdk()
        request.refund_records = [r.sdk() for r in self.records]  # [] is sent as []
        return request


@dataclass
class Report:
    case: str
    transaction: str
    time: Time
    risk_type: str = ""  # the wire value; "" leaves it unset
    reason: str = ""

    def proto(self):
        risk_type = getattr(pb, f"RISK_TYPE_{self.risk_type}") if self.risk_type else pb.RISK_TYPE_UNSPECIFIED
        return pb.ReportRiskRequest(reference_transaction_id=self.transaction, report_reason=self.reason,
                                    risk_type=risk_type, risk_occurrence_time=self.time.proto())

    def sdk(self):
        request = RiskReportRequest()
        request.reference_transaction_id = self.transaction
        request.report_reason = self.reason or None
        request.risk_type = self.risk_type or None  # a plain str: the SDK has no RiskType enum
        request.risk_occurrence_time = self.time.sdk
        return request


REFUNDS = [
    Refund("two records, USD, sub-second times dropped", "sdk-refund-usd", "sdk-refund-usd-r1", Money("USD", 1500), [
        Record("order_0001", "sku_42", Money("USD", 1000), "item damaged",
               Time("2026-11-27T08:15:30+00:00", 123456789)),
        Record(order="order_0001", amount=Money("USD", 500), time=Time("2026-11-27T08:16:00+00:00", 999999999)),
    ]),
    Refund("zero JPY (0 minor digits), no refund records", "sdk-refund-jpy-zero", "sdk-refund-jpy-zero-r1",
           Money("JPY", 0), []),
    Refund("largest int64, BHD (3 minor digits)", "sdk-refund-bhd-max", "sdk-refund-bhd-max-r1",
           Money("BHD", INT64_MAX), [
               Record("order-bhd", "goods-bhd", Money("BHD", INT64_MAX), "whole order",
                      Time("2026-11-28T21:45:00+00:00", 1)),
               Record(goods="goods-bhd-2", amount=Money("BHD", 0)),
               Record(),  # nothing set: {} on both sides
           ]),
    Refund("unicode text, edge times", "sdk-refund-unicode", "sdk-refund-unicode-r1", Money("JPY", 1), [
        Record("注文-0001", "商品-42", Money("JPY", 1), "Kunde: Ware beschädigt – 返品 😀 «ок»",
               Time("1970-01-01T00:00:00+00:00", 500000000)),
        Record(reason="façade ✓ 𝄞", time=Time("9999-12-31T23:59:59+00:00", 999999999)),
    ]),
]

REPORTS = [
    Report("SUSPICIOUS, sub-second time dropped", "sdk-report-suspicious", Time("2026-11-27T08:15:30+00:00", 250000000),
           "SUSPICIOUS", "buyer hit the merchant blocklist"),
    Report("CHARGEBACK, no reason", "sdk-report-chargeback", Time("2026-11-28T21:45:00+00:00"), "CHARGEBACK"),
    Report("FRAUD, unicode reason", "sdk-report-fraud", Time("2026-02-28T23:59:59+00:00", 999999999), "FRAUD",
           "Karte gestohlen – 盗刷 🃏 «мошенничество»"),
    Report("no risk type", "sdk-report-untyped", Time("2000-02-29T12:00:00+00:00"), "", "reported by support"),
]


def sdk_payment(reference, status, provider, authorization_error=None, card=None):
    """The SDK's SendPaymentResultRequest body, as its to_ams_json() would write it.

    In 1.7.1 its constructor raises (super(AlipayRequest, self).__init__(path): object's
    __init__ takes no argument) and its module has no `import json`. So: the object is
    made without that constructor, its base initialised as the other request classes do,
    its fields set through its own properties, and its own field mapping (the private
    __to_ams_dict) serialised as to_ams_json does.
    """
    try:
        request = SendPaymentResultRequest()
    except TypeError:
        request = SendPaymentResultRequest.__new__(SendPaymentResultRequest)
        AlipayRequest.__init__(request, AntomPathConstants.RISK_SEND_PAYMENT_RESULT_PATH)
    request.reference_transaction_id = reference
    request.payment_status = status
    request.payment_method_provider = provider
    request.authorization_error = authorization_error
    request.card_verification_result = card
    body = request._SendPaymentResultRequest__to_ams_dict()  # noqa: SLF001 - see above
    return request, json.dumps(obj=body, default=lambda o: o.to_ams_dict(), indent=3)


def sdk_failed_3ds_card():
    three_ds = RiskThreeDSResult()
    three_ds.three_ds_version = "2.2.0"
    three_ds.three_ds_interaction_mode = "CHALLENGE"
    three_ds.eci = "05"
    three_ds.cavv = "AAABCZIhcQAAAABZlyFxAAAAAAA="
    card = CardVerificationResult()
    card.authentication_type = "3D"  # the SDK's AuthenticationType enum knows only OTP
    card.authentication_method = "3DS"
    card.cvv_result = "Y"
    card.avs_result = "N"
    card.authorization_code = "10000"
    card.three_ds_result = three_ds
    return card


def sdk_authorization_error(code, message):
    error = AuthorizationError()
    error.error_code = code
    error.error_message = message
    return error


# --- Comparing -----------------------------------------------------------------------

def differences(a, b, path="$"):
    """Paths where two parsed JSON values differ (values and types both count)."""
    if isinstance(a, dict) and isinstance(b, dict):
        out = []
        for key in sorted(set(a) | set(b)):
            if key not in a:
                out.append(f"{path}.{key}: only in the SDK's")
            elif key not in b:
                out.append(f"{path}.{key}: only in the sidecar's")
            else:
                out.extend(differences(a[key], b[key], f"{path}.{key}"))
        return out
    if isinstance(a, list) and isinstance(b, list):
        out = [f"{path}: {len(a)} items (sidecar) vs {len(b)} (SDK)"] if len(a) != len(b) else []
        for i, (x, y) in enumerate(zip(a, b)):
            out.extend(differences(x, y, f"{path}[{i}]"))
        return out
    if type(a) is not type(b) or a != b:
        return [f"{path}: {a!r} (sidecar) vs {b!r} (SDK)"]
    return []


def show(body):
    return json.dumps(body, indent=2, ensure_ascii=False, sort_keys=True)


class Comparing:
    """What every comparison needs, mixed into a devmode.DevMode subclass (also by
    sdk_compare_decide_test.py): the body the emulator accepted, compared with the SDK's."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # Only to learn the sandbox path the SDK's own client would call with dev's client ID.
        cls.sdk_client = DefaultAlipayClient("http://127.0.0.1:9", DEV_CLIENT_ID, "unused", "unused")

    def received(self, reference):
        """The one request the emulator accepted with this referenceTransactionId."""
        with urllib.request.urlopen(f"{self.emulator}/__emulator/received", timeout=10) as response:
            entries = [e for e in json.load(response) if e["body"].get("referenceTransactionId") == reference]
        self.assertEqual(len(entries), 1, f"{reference}: accepted {len(entries)} times, expected once")
        return entries[0]

    def compare(self, case, reference, sdk_request, sdk_json):
        """The sidecar's body (from the emulator) against the SDK's, after json.loads."""
        entry = self.received(reference)
        sidecar, sdk = entry["body"], json.loads(sdk_json)
        diffs = differences(sidecar, sdk)
        if diffs:
            self.fail(f"{case}: the sidecar's body differs from the SDK's\n"
                      f"  where: {'; '.join(diffs)}\n"
                      f"  the sidecar sent (as the emulator parsed it):\n{show(sidecar)}\n"
                      f"  the SDK builds (json.loads of to_ams_json()):\n{show(sdk)}")
        # The API's path as the SDK has it (AntomPathConstants), or its sandbox form.
        if "/sandbox/" in entry["path"]:
            self.sdk_client.adjust_sandbox_url(sdk_request)
        self.assertEqual(entry["path"], sdk_request.path, f"{case}: the path differs from the SDK's")
        api = entry["path"].rsplit("/", 1)[1]
        print(f"\n  same body as the SDK's: {api}: {case}", end="", file=sys.stderr, flush=True)

    def check_ok(self, response):
        self.assertEqual((response.result_code, response.result_status), ("SUCCESS", pb.RESULT_STATUS_SUCCESS))


class SdkAgrees(Comparing, devmode.DevMode):
    """A `dev` process of the class's own; each case sent once through it."""

    def test_send_refund_result(self):
        for refund in REFUNDS:
            with self.subTest(refund.case):
                self.check_ok(self.stub.SendRefundResult(refund.proto(), timeout=10))
                request = refund.sdk()
                self.compare(refund.case, refund.transaction, request, request.to_ams_json())
        print("\n ", end="", file=sys.stderr)  # unittest's "ok" on a line of its own

    def test_report_risk(self):
        for report in REPORTS:
            with self.subTest(report.case):
                self.check_ok(self.stub.ReportRisk(report.proto(), timeout=10))
                request = report.sdk()
                self.compare(report.case, report.transaction, request, request.to_ams_json())
        print("\n ", end="", file=sys.stderr)

    def test_send_payment_result_field_by_field(self):
        with self.assertRaises(TypeError, msg="SendPaymentResultRequest() works now: build it directly"):
            SendPaymentResultRequest()
        cases = [
            ("SUCCESS, only the required fields",
             pb.SendPaymentResultRequest(reference_transaction_id="sdk-payment-success",
                                         payment_status=pb.PAYMENT_STATUS_SUCCESS, payment_method_provider="VISA"),
             sdk_payment("sdk-payment-success", PaymentStatus.SUCCESS, "VISA")),
            ("FAIL after a 3-D Secure challenge, every field, unicode message",
             pb.SendPaymentResultRequest(
                 reference_transaction_id="sdk-payment-fail", payment_status=pb.PAYMENT_STATUS_FAIL,
                 payment_method_provider="MASTERCARD",
                 authorization_error=pb.AuthorizationError(error_code="05",
                                                           error_message="Do not honor – 拒绝 ❌"),
                 card_verification_result=pb.CardVerificationResult(
                     authentication_type=pb.AUTHENTICATION_TYPE_3D, authentication_method="3DS", cvv_result="Y",
                     avs_result="N", authorization_code="10000",
                     three_ds_result=pb.ThreeDSResult(
                         three_ds_version="2.2.0", three_ds_interaction_mode=pb.THREE_DS_INTERACTION_MODE_CHALLENGE,
                         eci="05", cavv="AAABCZIhcQAAAABZlyFxAAAAAAA="))),
             sdk_payment("sdk-payment-fail", PaymentStatus.FAIL, "MASTERCARD",
                         sdk_authorization_error("05", "Do not honor – 拒绝 ❌"), sdk_failed_3ds_card())),
        ]
        for case, proto_request, (sdk_request, sdk_json) in cases:
            with self.subTest(case):
                self.check_ok(self.stub.SendPaymentResult(proto_request, timeout=10))
                self.compare(case, proto_request.reference_transaction_id, sdk_request, sdk_json)
        print("\n ", end="", file=sys.stderr)


if __name__ == "__main__":
    unittest.main(verbosity=2)
