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
	// grpc-go's own UNAVAILABLE while the sidecar is not listening yet.
	fallbackRetryDelay = 500 * time.Millisecond
)

// sendOnce makes one call with its own deadline.
func sendOnce(client riskv1.RiskServiceClient, req *riskv1.SendPaymentResultRequest) (*riskv1.SendPaymentResultResponse, error) {
	ctx, cancel := context.WithTimeout(context.Background(), callTimeout)
	defer cancel()
	return client.SendPaymentResult(ctx, req)
}

// sendWithRetry sends req, and sends it again while the answer is UNAVAILABLE or
// RESOURCE_EXHAUSTED, waiting as RetryInfo says, up to maxAttempts calls. Resending
// is safe: Antom keys the notification by reference_transaction_id, which stays the
// same. onRetry, if set, hears of each retry before its wait. It returns the response
// or the last error, and how many calls were made.
func sendWithRetry(
	client riskv1.RiskServiceClient,
	req *riskv1.SendPaymentResultRequest,
	onRetry func(attempt int, failure ErrorDetails, wait time.Duration),
) (*riskv1.SendPaymentResultResponse, int, error) {
	for attempt := 1; ; attempt++ {
		resp, err := sendOnce(client, req)
		if err == nil {
			return resp, attempt, nil
		}
		failure := ReadErrorDetails(err)
		wait, retryable := retryWait(failure)
		if !retryable || attempt >= maxAttempts {
			return nil, attempt, err
		}
		if onRetry != nil {
			onRetry(attempt, failure, wait)
		}
		time.Sleep(wait)
	}
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
