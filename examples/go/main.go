// Command antom-risk-example calls antom-sidecar's RiskService from Go: a SUCCESS and a
// FAIL payment result (SendPaymentResult), a refund (SendRefundResult) and a risk report
// (ReportRisk), two risk decisions (Decide: ACCEPT, and the emulator's REJECT), an error
// from Antom, a request the sidecar refuses, and a retry that honours RetryInfo. It prints one line per outcome on stdout, and exits 1 on anything
// it did not expect.
//
//	antom-risk-example [ADDR]   // else $ANTOM_SIDECAR_ADDR, else 127.0.0.1:50051
package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/golang/protobuf/ptypes"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"

	riskv1 "github.com/antom-sidecar/antom-sidecar/gen/go/antom/risk/v1"
)

const (
	defaultAddr = "127.0.0.1:50051"
	lang        = "go" // in the reference IDs, so that each example has its own
)

func main() {
	if err := run(address()); err != nil {
		fmt.Fprintf(os.Stderr, "antom-risk-example: %v\n", err)
		os.Exit(1)
	}
}

func address() string {
	if len(os.Args) > 1 && os.Args[1] != "" {
		return os.Args[1]
	}
	if addr := os.Getenv("ANTOM_SIDECAR_ADDR"); addr != "" {
		return addr
	}
	return defaultAddr
}

func run(addr string) error {
	// Plaintext, for a sidecar on localhost. (grpc.WithInsecure is what grpc-go 1.33,
	// Debian 12's, has; newer versions also offer credentials/insecure.NewCredentials.)
	conn, err := grpc.Dial(addr, grpc.WithInsecure())
	if err != nil {
		return fmt.Errorf("dial %s: %w", addr, err)
	}
	defer conn.Close()
	client := riskv1.NewRiskServiceClient(conn)

	steps := []func(riskv1.RiskServiceClient) error{
		notifySuccess,
		notifyFail,
		notifyRefund,
		reportRisk,
		decideAccept,
		decideReject,
		antomError,
		invalidRequest,
		retryFlaky,
	}
	for _, step := range steps {
		if err := step(client); err != nil {
			return err
		}
	}
	return nil
}

// notifySuccess tells Antom that a payment succeeded.
func notifySuccess(client riskv1.RiskServiceClient) error {
	req := &riskv1.SendPaymentResultRequest{
		ReferenceTransactionId: lang + "-success-1",
		PaymentStatus:          riskv1.PaymentStatus_PAYMENT_STATUS_SUCCESS,
		PaymentMethodProvider:  "VISA",
	}
	resp, attempts, err := sendWithRetry(client, req, nil)
	return printOK(paymentStatus(req), req.ReferenceTransactionId, resp, attempts, err, false)
}

// notifyFail tells Antom that a payment failed: the card issuer declined it after a
// 3D Secure challenge.
func notifyFail(client riskv1.RiskServiceClient) error {
	req := &riskv1.SendPaymentResultRequest{
		ReferenceTransactionId: lang + "-fail-1",
		PaymentStatus:          riskv1.PaymentStatus_PAYMENT_STATUS_FAIL,
		PaymentMethodProvider:  "VISA",
		AuthorizationError: &riskv1.AuthorizationError{
			ErrorCode:    "05",
			ErrorMessage: "Do not honor",
		},
		CardVerificationResult: &riskv1.CardVerificationResult{
			AuthenticationType:   riskv1.AuthenticationType_AUTHENTICATION_TYPE_3D,
			AuthenticationMethod: "OTP",
			CvvResult:            "Y",
			AvsResult:            "Y",
			AuthorizationCode:    "10000",
			ThreeDsResult: &riskv1.ThreeDSResult{
				ThreeDsVersion:         "2.2.0",
				ThreeDsInteractionMode: riskv1.ThreeDSInteractionMode_THREE_DS_INTERACTION_MODE_CHALLENGE,
				Eci:                    "05", // a string: the leading zero matters
				Cavv:                   "AAABCZIhcQAAAABZlyFxAAAAAAA=",
			},
		},
	}
	resp, attempts, err := sendWithRetry(client, req, nil)
	return printOK(paymentStatus(req), req.ReferenceTransactionId, resp, attempts, err, false)
}

// notifyRefund tells Antom of a partial refund of the successful payment: one item of
// USD 10.00, in minor units (cents).
func notifyRefund(client riskv1.RiskServiceClient) error {
	item := &riskv1.Amount{Currency: "USD", Value: 1000}
	req := &riskv1.SendRefundResultRequest{
		ReferenceTransactionId: lang + "-success-1",
		ReferenceRefundId:      lang + "-refund-1",
		ActualRefundAmount:     item, // the total refunded on this transaction so far
		RefundRecords: []*riskv1.RefundRecord{{
			ReferenceOrderId: lang + "-success-1-order",
			ReferenceGoodsId: "sku-42",
			Amount:           item,
			RefundReason:     "damaged in transit",
			// A google.protobuf.Timestamp; the sidecar sends it to the second.
			RefundTime: ptypes.TimestampNow(),
		}},
	}
	var resp *riskv1.SendRefundResultResponse
	attempts, err := withRetry(func(ctx context.Context) (err error) {
		resp, err = client.SendRefundResult(ctx, req)
		return err
	}, nil)
	return printOK("refund="+req.ReferenceRefundId, req.ReferenceTransactionId, resp, attempts, err, false)
}

// reportRisk reports the declined payment to Antom as suspicious.
func reportRisk(client riskv1.RiskServiceClient) error {
	req := &riskv1.ReportRiskRequest{
		ReferenceTransactionId: lang + "-fail-1",
		RiskType:               riskv1.RiskType_RISK_TYPE_SUSPICIOUS,
		ReportReason:           "3-D Secure challenge failed; card tried on several accounts",
		RiskOccurrenceTime:     ptypes.TimestampNow(),
	}
	var resp *riskv1.ReportRiskResponse
	attempts, err := withRetry(func(ctx context.Context) (err error) {
		resp, err = client.ReportRisk(ctx, req)
		return err
	}, nil)
	what := "risk_type=" + strings.TrimPrefix(req.RiskType.String(), "RISK_TYPE_")
	return printOK(what, req.ReferenceTransactionId, resp, attempts, err, false)
}

// decideAccept asks Antom for a risk decision, which the emulator accepts.
func decideAccept(client riskv1.RiskServiceClient) error {
	return decide(client, lang+"-decide-1", riskv1.Decision_DECISION_ACCEPT)
}

// decideReject asks for a decision that the emulator rejects (its emu-reject- prefix).
// The call succeeds all the same: the decision is the answer.
func decideReject(client riskv1.RiskServiceClient) error {
	return decide(client, "emu-reject-"+lang+"-decide-1", riskv1.Decision_DECISION_REJECT)
}

// decide asks Antom for a risk decision before authorization, with the least Decide
// takes: the six fields Antom requires (one order, the buyer, the amount paid, one
// payment detail), lightly filled; USD 19.00 by card. It prints the ok line and checks
// the decision.
//
// Decide is a query, not a notification: Antom documents no idempotency key for it, so
// a resent decide may be evaluated, and counted, as a new attempt. This client calls it
// once (with callTimeout), not through withRetry, and never resends it by itself,
// whatever the error: not on RetryInfo, and not on a bare UNAVAILABLE either, which does
// not prove the sidecar was never reached (a service-mesh proxy answers one after a
// reset, perhaps after the sidecar had already called Antom). The sidecar retries it
// itself only when no connection to Antom could be made. On failure the caller decides:
// apply its own fallback (ask for 3D Secure, or decline), or resend the same request
// within its checkout's time budget.
func decide(client riskv1.RiskServiceClient, reference string, want riskv1.Decision) error {
	amount := &riskv1.Amount{Currency: "USD", Value: 1900}
	req := &riskv1.DecideRequest{
		ReferenceTransactionId: reference,
		AuthorizationPhase:     riskv1.AuthorizationPhase_AUTHORIZATION_PHASE_PRE_AUTHORIZATION,
		Orders:                 []*riskv1.Order{{ReferenceOrderId: reference + "-order", OrderAmount: amount}},
		Buyer:                  &riskv1.Buyer{ReferenceBuyerId: "buyer-42"},
		ActualPaymentAmount:    amount,
		PaymentDetails: []*riskv1.PaymentDetail{{
			Amount:        amount,
			PaymentMethod: &riskv1.PaymentMethod{PaymentMethodType: "CARD"},
		}},
	}
	ctx, cancel := context.WithTimeout(context.Background(), callTimeout)
	defer cancel()
	resp, err := client.Decide(ctx, req)
	if err != nil {
		d := ReadErrorDetails(err)
		return fmt.Errorf("%s: %s: %s (ErrorInfo %v)", reference, CodeName(d.Code), d.Message, d.ErrorInfo)
	}
	fmt.Printf("ok decision=%s reference=%s result=%s\n", decisionName(resp), reference, resp.GetResultCode())
	// Act on DECISION_ACCEPT only.
	if resp.GetDecision() != want {
		return fmt.Errorf("%s: decision %s (%q), expected %s", reference, resp.GetDecision(),
			resp.GetDecisionRaw(), want)
	}
	return nil
}

// decisionName is the decision without its prefix ("ACCEPT"), or "unknown:<Antom's
// string>" for a value these stubs do not know (DECISION_UNKNOWN_VALUE, or a number that
// a newer proto added).
func decisionName(resp *riskv1.DecideResponse) string {
	d := resp.GetDecision()
	if _, known := riskv1.Decision_name[int32(d)]; !known || d == riskv1.Decision_DECISION_UNKNOWN_VALUE {
		return "unknown:" + resp.GetDecisionRaw()
	}
	return strings.TrimPrefix(d.String(), "DECISION_")
}

// antomError gets an error from Antom (the emulator, told by the ID's prefix):
// PARAM_ILLEGAL, status F, so no RetryInfo.
func antomError(client riskv1.RiskServiceClient) error {
	req := &riskv1.SendPaymentResultRequest{
		ReferenceTransactionId: "emu-code-PARAM_ILLEGAL-" + lang + "-1",
		PaymentStatus:          riskv1.PaymentStatus_PAYMENT_STATUS_FAIL,
		PaymentMethodProvider:  "VISA",
	}
	_, _, err := sendWithRetry(client, req, nil)
	if err == nil {
		return fmt.Errorf("%s: the call succeeded, expected PARAM_ILLEGAL", req.ReferenceTransactionId)
	}
	d := ReadErrorDetails(err)
	info := d.ErrorInfo
	fmt.Printf("error reference=%s code=%s domain=%s reason=%s result_status=%s retry=%s\n",
		req.ReferenceTransactionId, CodeName(d.Code), info.GetDomain(), info.GetReason(),
		info.GetMetadata()["resultStatus"], yesNo(d.RetryInfo != nil))
	return expect(req.ReferenceTransactionId, err,
		d.Code == codes.InvalidArgument && info.GetDomain() == "antom.com" &&
			info.GetReason() == "PARAM_ILLEGAL" && info.GetMetadata()["resultStatus"] == "F" &&
			d.RetryInfo == nil)
}

// invalidRequest sends what the sidecar refuses before the network: no
// payment_method_provider, and an eci over 8 characters. BadRequest names both.
func invalidRequest(client riskv1.RiskServiceClient) error {
	req := &riskv1.SendPaymentResultRequest{
		ReferenceTransactionId: lang + "-invalid-1",
		PaymentStatus:          riskv1.PaymentStatus_PAYMENT_STATUS_SUCCESS,
		PaymentMethodProvider:  "",
		CardVerificationResult: &riskv1.CardVerificationResult{
			ThreeDsResult: &riskv1.ThreeDSResult{Eci: "0505050505"},
		},
	}
	_, _, err := sendWithRetry(client, req, nil)
	if err == nil {
		return fmt.Errorf("%s: the call succeeded, expected INVALID_REQUEST", req.ReferenceTransactionId)
	}
	d := ReadErrorDetails(err)
	fields := d.Fields()
	fmt.Printf("invalid reference=%s code=%s domain=%s reason=%s fields=%s\n",
		req.ReferenceTransactionId, CodeName(d.Code), d.ErrorInfo.GetDomain(),
		d.ErrorInfo.GetReason(), strings.Join(fields, ","))
	return expect(req.ReferenceTransactionId, err,
		d.Code == codes.InvalidArgument && d.ErrorInfo.GetDomain() == "antom-sidecar" &&
			d.ErrorInfo.GetReason() == "INVALID_REQUEST" &&
			contains(fields, "payment_method_provider") &&
			contains(fields, "card_verification_result.three_ds_result.eci"))
}

// retryFlaky sends an ID whose first 3 attempts the emulator answers UNKNOWN_EXCEPTION
// (U). The sidecar makes 3 attempts itself, so the first call fails with UNAVAILABLE and
// RetryInfo; the client's retry, after RetryInfo's delay, succeeds.
func retryFlaky(client riskv1.RiskServiceClient) error {
	req := &riskv1.SendPaymentResultRequest{
		ReferenceTransactionId: "emu-flaky-3-" + lang + "-1",
		PaymentStatus:          riskv1.PaymentStatus_PAYMENT_STATUS_SUCCESS,
		PaymentMethodProvider:  "VISA",
	}
	var retries []ErrorDetails
	resp, attempts, err := sendWithRetry(client, req, func(attempt int, failure ErrorDetails, wait time.Duration) {
		fmt.Printf("retry reference=%s attempt=%d code=%s after_ms=%d\n",
			req.ReferenceTransactionId, attempt, CodeName(failure.Code), wait.Milliseconds())
		retries = append(retries, failure)
	})
	if err := printOK(paymentStatus(req), req.ReferenceTransactionId, resp, attempts, err, true); err != nil {
		return err
	}
	if attempts == 1 {
		// The emulator counts attempts per ID for as long as it runs: on a sidecar that
		// has already seen this ID, the first call succeeds.
		fmt.Fprintf(os.Stderr, "antom-risk-example: note: %s succeeded at once: this sidecar had "+
			"already seen it (restart `antom-sidecar dev` to see the retry)\n", req.ReferenceTransactionId)
		return nil
	}
	for _, failure := range retries {
		if failure.Code != codes.Unavailable || failure.RetryInfo == nil {
			return fmt.Errorf("%s: retried after %s with RetryInfo %v, expected UNAVAILABLE with RetryInfo",
				req.ReferenceTransactionId, CodeName(failure.Code), failure.RetryInfo)
		}
	}
	if attempts != 2 {
		return fmt.Errorf("%s: %d calls, expected 2", req.ReferenceTransactionId, attempts)
	}
	return nil
}

// result is what the responses of every RiskService method have.
type result interface {
	GetResultCode() string
	GetResultStatus() riskv1.ResultStatus
}

// paymentStatus is the ok line's first field for a payment result, e.g. "status=FAIL".
func paymentStatus(req *riskv1.SendPaymentResultRequest) string {
	return "status=" + strings.TrimPrefix(req.PaymentStatus.String(), "PAYMENT_STATUS_")
}

// printOK prints a successful notification's line ("ok <what> reference=<ID>
// result=<code>"), or says why the call failed.
func printOK(what, reference string, resp result, attempts int, err error, showAttempts bool) error {
	if err != nil {
		d := ReadErrorDetails(err)
		return fmt.Errorf("%s: %s after %d call(s): %s (ErrorInfo %v)", reference,
			CodeName(d.Code), attempts, d.Message, d.ErrorInfo)
	}
	line := fmt.Sprintf("ok %s reference=%s result=%s", what, reference, resp.GetResultCode())
	if showAttempts || attempts > 1 {
		line += fmt.Sprintf(" attempts=%d", attempts)
	}
	fmt.Println(line)
	if resp.GetResultCode() != "SUCCESS" || resp.GetResultStatus() != riskv1.ResultStatus_RESULT_STATUS_SUCCESS {
		return fmt.Errorf("%s: OK with result %q (%v), expected SUCCESS", reference,
			resp.GetResultCode(), resp.GetResultStatus())
	}
	return nil
}

// expect turns an unexpected failure into an error that says what came.
func expect(reference string, err error, ok bool) error {
	if ok {
		return nil
	}
	return errors.New(reference + ": unexpected answer: " + err.Error())
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

func yesNo(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}
