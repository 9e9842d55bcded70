package main

// Reading the google.rpc details of a failed call. Self-contained: copy this file into
// your own package (change the package name). It needs only grpc-go and genproto's
// errdetails, and builds with the old golang/protobuf (APIv1) as with the current one.

import (
	"fmt"
	"time"

	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
)

// ErrorDetails is what a failed call carries. The sidecar always sets ErrorInfo
// (Domain "antom.com" with Reason = Antom's resultCode when Antom answered, Domain
// "antom-sidecar" when the sidecar itself failed), RetryInfo exactly when another
// attempt may help, and BadRequest when it refused the request before the network.
type ErrorDetails struct {
	Code       codes.Code
	Message    string
	ErrorInfo  *errdetails.ErrorInfo
	RetryInfo  *errdetails.RetryInfo
	BadRequest *errdetails.BadRequest
}

// ReadErrorDetails reads the status and the details of err, as returned by a gRPC call.
// An error that is not a gRPC status (nil included) reads as code UNKNOWN (OK for nil)
// with no details.
func ReadErrorDetails(err error) ErrorDetails {
	st, _ := status.FromError(err)
	d := ErrorDetails{Code: st.Code(), Message: st.Message()}
	for _, detail := range st.Details() {
		switch v := detail.(type) {
		case *errdetails.ErrorInfo:
			d.ErrorInfo = v
		case *errdetails.RetryInfo:
			d.RetryInfo = v
		case *errdetails.BadRequest:
			d.BadRequest = v
		}
		// Other types, and details that could not be decoded (returned as an error),
		// are left out.
	}
	return d
}

// RetryDelay is RetryInfo's retry_delay, and whether there was one.
func (d ErrorDetails) RetryDelay() (time.Duration, bool) {
	if d.RetryInfo == nil || d.RetryInfo.RetryDelay == nil {
		return 0, false
	}
	r := d.RetryInfo.RetryDelay
	return time.Duration(r.GetSeconds())*time.Second + time.Duration(r.GetNanos()), true
}

// Fields lists BadRequest's field paths (e.g. "card_verification_result.three_ds_result.eci"),
// in the order received.
func (d ErrorDetails) Fields() []string {
	var fields []string
	for _, v := range d.BadRequest.GetFieldViolations() {
		fields = append(fields, v.GetField())
	}
	return fields
}

// CodeName is the canonical name of a gRPC code, as in the gRPC spec and in other
// languages ("INVALID_ARGUMENT"); grpc-go's Code.String() says "InvalidArgument".
func CodeName(c codes.Code) string {
	if int(c) < len(codeNames) {
		return codeNames[c]
	}
	return fmt.Sprintf("CODE_%d", uint32(c))
}

var codeNames = [...]string{
	codes.OK:                 "OK",
	codes.Canceled:           "CANCELLED",
	codes.Unknown:            "UNKNOWN",
	codes.InvalidArgument:    "INVALID_ARGUMENT",
	codes.DeadlineExceeded:   "DEADLINE_EXCEEDED",
	codes.NotFound:           "NOT_FOUND",
	codes.AlreadyExists:      "ALREADY_EXISTS",
	codes.PermissionDenied:   "PERMISSION_DENIED",
	codes.ResourceExhausted:  "RESOURCE_EXHAUSTED",
	codes.FailedPrecondition: "FAILED_PRECONDITION",
	codes.Aborted:            "ABORTED",
	codes.OutOfRange:         "OUT_OF_RANGE",
	codes.Unimplemented:      "UNIMPLEMENTED",
	codes.Internal:           "INTERNAL",
	codes.Unavailable:        "UNAVAILABLE",
	codes.DataLoss:           "DATA_LOSS",
	codes.Unauthenticated:    "UNAUTHENTICATED",
}
