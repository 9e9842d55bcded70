package main

import (
	"context"
	"time"

	"google.golang.org/grpc/codes"

	riskv1 "github.com/antom-sidecar/antom-sidecar/gen/go/antom/risk/v1"
)

const (
	// callTimeout is each attempt's deadline. The sidecar retries Antom itself within
	// it, and answers a little before it so that a timeout still comes with details.
	callTimeout = 5 * time.Second
	// maxAttempts bounds the calls for one notification, the first included.
	maxAttempts = 3
	// maxRetryDelay caps the wait that RetryInfo asks for.
	maxRetryDelay = 10 * time.Second
	// fallbackRetryDelay is the wait when a retryable error has no RetryInfo, e.g.
	// grpc-go's own UNAVAILABLE while the sidecar is not listening yet, or a proxy's
	// after a reset (resending a notification is safe either way).
	fallbackRetryDelay = 500 * time.Millisecond
)

// withRetry makes a call, each attempt with its own deadline (callTimeout), and makes it
// again while the answer is UNAVAILABLE or RESOURCE_EXHAUSTED, waiting as RetryInfo
// says, up to maxAttempts calls. It is for the notifications (SendPaymentResult,
// SendRefundResult, ReportRisk), whose resending is treated as safe: each reports a
// fact, and a resend tells Antom the same fact (Antom keys sendPaymentResult by
// reference_transaction_id, which stays the same; it documents no key for refunds and
// risk reports). Decide, a query, is called once instead and never resent, not even
// on a bare UNAVAILABLE (see decide in main.go).
// onRetry, if set,
// hears of each retry before its wait. It returns how many calls were made, and the
// last error (nil once a call succeeded).
func withRetry(
	call func(ctx context.Context) error,
	onRetry func(attempt int, failure ErrorDetails, wait time.Duration),
) (int, error) {
	for attempt := 1; ; attempt++ {
		ctx, cancel := context.WithTimeout(context.Background(), callTimeout)
		err := call(ctx)
		cancel()
		if err == nil {
			return attempt, nil
		}
		failure := ReadErrorDetails(err)
		wait, retryable := retryWait(failure)
		if !retryable || attempt >= maxAttempts {
			return attempt, err
		}
		if onRetry != nil {
			onRetry(attempt, failure, wait)
		}
		time.Sleep(wait)
	}
}

// sendWithRetry sends a payment result with withRetry; it returns the response (nil on
// failure), how many calls were made, and the last error.
func sendWithRetry(
	client riskv1.RiskServiceClient,
	req *riskv1.SendPaymentResultRequest,
	onRetry func(attempt int, failure ErrorDetails, wait time.Duration),
) (*riskv1.SendPaymentResultResponse, int, error) {
	var resp *riskv1.SendPaymentResultResponse
	attempts, err := withRetry(func(ctx context.Context) (err error) {
		resp, err = client.SendPaymentResult(ctx, req)
		return err
	}, onRetry)
	return resp, attempts, err
}

// retryWait says whether a failure is worth another call, and how long to wait first.
func retryWait(failure ErrorDetails) (time.Duration, bool) {
	if failure.Code != codes.Unavailable && failure.Code != codes.ResourceExhausted {
		return 0, false
	}
	wait, ok := failure.RetryDelay()
	if !ok {
		return fallbackRetryDelay, true
	}
	if wait > maxRetryDelay {
		wait = maxRetryDelay
	}
	return wait, true
}
