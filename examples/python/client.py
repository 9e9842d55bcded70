"""A Python client of antom-sidecar: reports payment results, a refund and a risk to Antom,
and asks it for risk decisions.

Sends a SUCCESS and a FAIL payment result, a refund of the first payment
(SendRefundResult) and a risk report on the second (ReportRisk), asks for two risk
decisions (Decide: one accepted, one the emulator rejects), then shows the errors
a caller meets (an Antom refusal, a request the sidecar refuses before the network, an
outage that a retry gets past), each read with rpc_errors.details.

    python client.py [ADDR]     # ADDR: argv[1], else $ANTOM_SIDECAR_ADDR, else 127.0.0.1:50051

Stubs: run.sh generates them from proto/ into gen/ (python -m grpc_tools.protoc).
Prints one line per outcome and exits non-zero if any outcome is not the expected one.
"""

import os
import sys
import time

import grpc
from google.protobuf import timestamp_pb2

import rpc_errors

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "gen"))
try:
    from antom.risk.v1 import risk_service_pb2 as pb
    from antom.risk.v1 import risk_service_pb2_grpc as pb_grpc
except ImportError as missing:
    sys.exit(f"no generated stubs ({missing}): run examples/python/run.sh, which generates them into gen/")

LANG = "python"
# Each call's deadline. The sidecar retries Antom itself within it (Decide only when no
# connection was made) and answers a little before it, with details (DEADLINE_EXCEEDED,
# ErrorInfo reason UPSTREAM_TIMEOUT).
DEADLINE_SECONDS = 5.0
# Calls made for one notification, counting the first one (Decide: one call, never resent).
MAX_ATTEMPTS = 3
# Never wait longer than this between two calls, whatever RetryInfo suggests.
MAX_RETRY_DELAY_SECONDS = 10.0
# Backoff before resending a notification after an UNAVAILABLE without details (the
# sidecar not reached, e.g. still starting, or a proxy's reset).
UNREACHABLE_DELAY_SECONDS = 0.25


def retry_delay(err, attempt):
    """Seconds to wait before sending a notification again, or None when sending it again
    will not help. (Decide is never resent: see send.)

    UNAVAILABLE and RESOURCE_EXHAUSTED are retried when the sidecar says so with
    RetryInfo (it does exactly when another attempt may help), after its retry_delay.
    UNAVAILABLE without any details is retried too: the sidecar may not have been
    reached (it may be starting), or a proxy between (a service mesh's) may have reset
    the call after the sidecar sent it on; resending a notification is safe either way.
    """
    if err.code() not in (grpc.StatusCode.UNAVAILABLE, grpc.StatusCode.RESOURCE_EXHAUSTED):
        return None
    details = rpc_errors.details(err)
    if details.retry_delay is not None:
        return min(details.retry_delay, MAX_RETRY_DELAY_SECONDS)
    if err.code() == grpc.StatusCode.UNAVAILABLE and details.error_info is None:
        return UNREACHABLE_DELAY_SECONDS * 2 ** (attempt - 1)
    return None


def send(stub, request, on_retry):
    """Calls the RPC that takes `request` with a deadline and bounded retries; returns
    (response, attempts).

    Resending the same notification is treated as safe: each reports a fact, and a
    resend tells Antom the same fact (it keys sendPaymentResult by
    reference_transaction_id; it documents no key for refunds and risk reports).
    Decide is a query, not a notification: Antom documents no idempotency key for it, so
    a resent decide may be evaluated, and counted, as a new attempt. This client calls
    it once and never resends it by itself, whatever the error: not on RetryInfo, and not
    on a bare UNAVAILABLE either, which does not prove the sidecar was never reached (a
    service-mesh proxy answers one after a reset, perhaps after the sidecar had already
    called Antom). The sidecar retries it itself only when no connection to Antom could
    be made. On failure the caller decides: apply its own fallback (e.g. ask for 3-D
    Secure, or decline), or resend the same request within its checkout's time budget.
    Raises the last grpc.RpcError when the call fails for good.
    """
    call = {
        pb.SendPaymentResultRequest: stub.SendPaymentResult,
        pb.SendRefundResultRequest: stub.SendRefundResult,
        pb.ReportRiskRequest: stub.ReportRisk,
        pb.DecideRequest: stub.Decide,
    }[type(request)]
    if isinstance(request, pb.DecideRequest):
        return call(request, timeout=DEADLINE_SECONDS), 1  # once: a failure is raised as is
    for attempt in range(1, MAX_ATTEMPTS + 1):
        try:
            return call(request, timeout=DEADLINE_SECONDS), attempt
        except grpc.RpcError as err:
            delay = retry_delay(err, attempt)
            if delay is None or attempt == MAX_ATTEMPTS:
                raise
            on_retry(request, attempt, err, delay)
            time.sleep(delay)
    raise AssertionError("unreachable")


def payment(reference, status, **fields):
    return pb.SendPaymentResultRequest(reference_transaction_id=reference, payment_status=status,
                                       payment_method_provider=fields.pop("payment_method_provider", "VISA"),
                                       **fields)


def failed_3ds_payment(reference):
    """A card payment declined by the issuer after a 3-D Secure challenge."""
    return payment(
        reference, pb.PAYMENT_STATUS_FAIL,
        authorization_error=pb.AuthorizationError(error_code="05", error_message="Do not honor"),
        card_verification_result=pb.CardVerificationResult(
            authentication_type=pb.AUTHENTICATION_TYPE_3D,
            authentication_method="3DS",
            cvv_result="Y",
            avs_result="Y",
            authorization_code="10000",
            three_ds_result=pb.ThreeDSResult(
                three_ds_version="2.2.0",
                three_ds_interaction_mode=pb.THREE_DS_INTERACTION_MODE_CHALLENGE,
                eci="05",  # a string: the leading zero matters
                cavv="AAABCZIhcQAAAABZlyFxAAAAAAA=",
            ),
        ),
    )


def now():
    """The current time, for the proto's google.protobuf.Timestamp fields. The sidecar
    sends it to the second, as RFC 3339 in UTC (e.g. 2026-11-27T08:15:30+00:00)."""
    timestamp = timestamp_pb2.Timestamp()
    timestamp.GetCurrentTime()
    return timestamp


def refund(reference, refund_id):
    """A partial refund of a payment: one item of USD 10.00, in minor units (cents)."""
    item = pb.Amount(currency="USD", value=1000)
    return pb.SendRefundResultRequest(
        reference_transaction_id=reference,
        reference_refund_id=refund_id,
        actual_refund_amount=item,  # the total refunded on this transaction so far
        refund_records=[pb.RefundRecord(reference_order_id=f"{reference}-order", reference_goods_id="sku-42",
                                        amount=item, refund_reason="damaged in transit", refund_time=now())],
    )


def risk_report(reference):
    """Reports a payment as suspicious: the card was declined after a 3-D Secure challenge."""
    return pb.ReportRiskRequest(
        reference_transaction_id=reference,
        risk_type=pb.RISK_TYPE_SUSPICIOUS,
        report_reason="3-D Secure challenge failed; card tried on several accounts",
        risk_occurrence_time=now(),
    )


def decide(reference):
    """A risk decision before authorization, with the least Decide takes: the six fields
    Antom requires (one order, the buyer, the amount paid, one payment detail), lightly
    filled. USD 19.00, in minor units (cents), by card."""
    amount = pb.Amount(currency="USD", value=1900)
    return pb.DecideRequest(
        reference_transaction_id=reference,
        authorization_phase=pb.AUTHORIZATION_PHASE_PRE_AUTHORIZATION,
        orders=[pb.Order(reference_order_id=f"{reference}-order", order_amount=amount)],
        buyer=pb.Buyer(reference_buyer_id="buyer-42"),
        actual_payment_amount=amount,
        payment_details=[pb.PaymentDetail(amount=amount, payment_method=pb.PaymentMethod(payment_method_type="CARD"))],
    )


def decision(response):
    """ACCEPT, REJECT, or what else Antom said: act on ACCEPT only. A value this client's
    stubs do not know arrives as DECISION_UNKNOWN_VALUE (or, with older stubs, a bare
    number), with Antom's string in decision_raw."""
    if response.decision == pb.DECISION_UNKNOWN_VALUE or response.decision not in pb.Decision.values():
        return f"unknown:{response.decision_raw}"
    return pb.Decision.Name(response.decision).removeprefix("DECISION_")


def invalid_payment(reference):
    """Refused by the sidecar before the network: no provider, and an eci over 8 characters."""
    return payment(
        reference, pb.PAYMENT_STATUS_SUCCESS, payment_method_provider="",
        card_verification_result=pb.CardVerificationResult(
            authentication_type=pb.AUTHENTICATION_TYPE_3D,
            three_ds_result=pb.ThreeDSResult(three_ds_version="2.2.0", eci="050000000"),
        ),
    )


def milliseconds(seconds):
    return round(seconds * 1000)


def what(request, response):
    """The ok line's first field: what the request told Antom, or Antom's decision."""
    if isinstance(request, pb.DecideRequest):
        return f"decision={decision(response)}"
    if isinstance(request, pb.SendRefundResultRequest):
        return f"refund={request.reference_refund_id}"
    if isinstance(request, pb.ReportRiskRequest):
        return f"risk_type={pb.RiskType.Name(request.risk_type).removeprefix('RISK_TYPE_')}"
    return f"status={pb.PaymentStatus.Name(request.payment_status).removeprefix('PAYMENT_STATUS_')}"


def print_retry(request, attempt, err, delay):
    print(f"retry reference={request.reference_transaction_id} attempt={attempt} code={err.code().name} "
          f"after_ms={milliseconds(delay)}", flush=True)


def describe_error(reference, err):
    """The outcome of a failed call ("invalid", "error" or "no details") and its line."""
    details = rpc_errors.details(err)
    info = details.error_info
    if info is None:
        return "no details", f"error reference={reference} code={err.code().name} message={err.details()!r}"
    head = f"reference={reference} code={err.code().name} domain={info.domain} reason={info.reason}"
    if details.bad_request is not None:
        return "invalid", f"invalid {head} fields={','.join(details.bad_fields)}"
    result_status = info.metadata.get("resultStatus", "-")  # only when Antom answered
    retry = "no" if details.retry_delay is None else "yes"
    return "error", f"error {head} result_status={result_status} retry={retry}"


def run(stub):
    """Makes the calls and prints their outcomes; returns the unexpected ones."""
    problems = []
    # (request, expected outcome): "ok", "retried" (ok after a retry), "error" (Antom's
    # refusal, ErrorInfo) or "invalid" (the sidecar's refusal, BadRequest); for Decide,
    # "ok ACCEPT" or "ok REJECT" (the call succeeds either way: the decision is the answer).
    calls = [
        (payment(f"{LANG}-success-1", pb.PAYMENT_STATUS_SUCCESS), "ok"),
        (failed_3ds_payment(f"{LANG}-fail-1"), "ok"),
        (refund(f"{LANG}-success-1", f"{LANG}-refund-1"), "ok"),
        (risk_report(f"{LANG}-fail-1"), "ok"),
        (decide(f"{LANG}-decide-1"), "ok ACCEPT"),
        # The emulator decides REJECT for this reference: not accepted, so no payment.
        (decide(f"emu-reject-{LANG}-decide-1"), "ok REJECT"),
        # The emulator answers PARAM_ILLEGAL (status F) to this reference.
        (payment(f"emu-code-PARAM_ILLEGAL-{LANG}-1", pb.PAYMENT_STATUS_SUCCESS), "error"),
        (invalid_payment(f"{LANG}-invalid-1"), "invalid"),
        # The emulator answers UNKNOWN_EXCEPTION (U) to this reference's first 3 attempts:
        # all of the sidecar's own (SIDECAR_MAX_ATTEMPTS, 3 by default), so the first call
        # fails UNAVAILABLE with RetryInfo and our second succeeds.
        (payment(f"emu-flaky-3-{LANG}-1", pb.PAYMENT_STATUS_SUCCESS), "retried"),
    ]
    for request, expected in calls:
        reference = request.reference_transaction_id
        try:
            response, attempts = send(stub, request, on_retry=print_retry)
        except grpc.RpcError as err:
            outcome, line = describe_error(reference, err)
            print(line, flush=True)
        else:
            outcome = "retried" if attempts > 1 else "ok"
            if isinstance(request, pb.DecideRequest):
                outcome += f" {decision(response)}"
            suffix = f" attempts={attempts}" if attempts > 1 or expected == "retried" else ""
            print(f"ok {what(request, response)} reference={reference} result={response.result_code}{suffix}",
                  flush=True)
        if outcome != expected:
            problem = f"{reference}: expected {expected}, got {outcome}"
            if (expected, outcome) == ("retried", "ok"):
                problem += (" (the emulator counts attempts per reference_transaction_id: a dev process"
                            " that has seen this one before answers it at once; restart dev)")
            problems.append(problem)
    return problems


def main():
    address = sys.argv[1] if len(sys.argv) > 1 else os.environ.get("ANTOM_SIDECAR_ADDR", "127.0.0.1:50051")
    # One channel for the life of the process; it reconnects by itself. The sidecar
    # listens on localhost in plaintext (a gateway with TLS: grpc.secure_channel).
    with grpc.insecure_channel(address) as channel:
        problems = run(pb_grpc.RiskServiceStub(channel))
    for problem in problems:
        print(f"unexpected: {problem}", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
