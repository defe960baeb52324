package openint

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
)

// Kind classifies an error. The library decides the kind (the HTTP status mapping lives in the
// Rust core, src/error.rs, not here); the numbers equal the OpenintStatus values of
// include/openint.h. A status with a kind of its own (400, 401, 403, 404, 409, 422, 429) has
// it; 500 and 502..599 are KindInternalServer; every other status, 501 Not Implemented
// included ("does not support webhooks": an answer, not a crash), is KindAPIStatus, and
// Error.StatusCode tells which.
type Kind int

const (
	KindInvalidArgument     Kind = 1  // bad input, found before any request
	KindConnection          Kind = 2  // connection failed or broke (including a body cut off)
	KindTimeout             Kind = 3  // a per-attempt timeout or the call's deadline passed
	KindBadRequest          Kind = 4  // HTTP 400
	KindAuthentication      Kind = 5  // HTTP 401
	KindPermissionDenied    Kind = 6  // HTTP 403
	KindNotFound            Kind = 7  // HTTP 404
	KindConflict            Kind = 8  // HTTP 409
	KindUnprocessableEntity Kind = 9  // HTTP 422
	KindRateLimited         Kind = 10 // HTTP 429
	KindInternalServer      Kind = 11 // HTTP 500 and 502..599: the server failed or is unavailable
	KindAPIStatus           Kind = 12 // a status without a kind of its own (e.g. 501 Not Implemented), or a refused cross-origin redirect
	KindDecode              Kind = 13 // a 2xx answer that is not the expected JSON, or a server ignoring offset
	KindBodyTooLarge        Kind = 14 // the body passed WithMaxBodyBytes
	KindInternal            Kind = 15 // a bug in the library; please report it
	KindCancelled           Kind = 16 // the call's context was cancelled (its cancel handle fired)
	KindProtocol            Kind = 17 // the answer was not valid HTTP (garbage status line, header flood)
)

var kindNames = map[Kind]string{
	KindInvalidArgument: "invalid_argument", KindConnection: "connection", KindTimeout: "timeout",
	KindBadRequest: "bad_request", KindAuthentication: "authentication",
	KindPermissionDenied: "permission_denied", KindNotFound: "not_found", KindConflict: "conflict",
	KindUnprocessableEntity: "unprocessable_entity", KindRateLimited: "rate_limited",
	KindInternalServer: "internal_server", KindAPIStatus: "api_status", KindDecode: "decode",
	KindBodyTooLarge: "body_too_large", KindInternal: "internal", KindCancelled: "cancelled",
	KindProtocol: "protocol",
}

// String is the library's name of the kind, e.g. "not_found".
func (k Kind) String() string {
	if s, ok := kindNames[k]; ok {
		return s
	}
	return fmt.Sprintf("Kind(%d)", int(k))
}

// Sentinels for errors.Is: errors.Is(err, openint.ErrNotFound) is true for an *Error of
// KindNotFound. Use errors.As with *Error for the details.
var (
	ErrInvalidArgument     = errors.New("openint: invalid argument")
	ErrConnection          = errors.New("openint: connection error")
	ErrTimeout             = errors.New("openint: timeout")
	ErrBadRequest          = errors.New("openint: bad request (400)")
	ErrAuthentication      = errors.New("openint: authentication failed (401)")
	ErrPermissionDenied    = errors.New("openint: permission denied (403)")
	ErrNotFound            = errors.New("openint: not found (404)")
	ErrConflict            = errors.New("openint: conflict (409)")
	ErrUnprocessableEntity = errors.New("openint: unprocessable entity (422)")
	ErrRateLimited         = errors.New("openint: rate limited (429)")
	ErrInternalServer      = errors.New("openint: server error (500, 502-599)")
	ErrAPIStatus           = errors.New("openint: HTTP status without a kind of its own")
	ErrDecode              = errors.New("openint: unexpected response body")
	ErrBodyTooLarge        = errors.New("openint: response body too large")
	ErrInternal            = errors.New("openint: internal library error")
	ErrCancelled           = errors.New("openint: cancelled")
	ErrProtocol            = errors.New("openint: invalid HTTP answer")

	// ErrClosed is returned by calls on a closed Client (and on pages of a closed Client).
	ErrClosed = errors.New("openint: client is closed")
)

var sentinels = map[Kind]error{
	KindInvalidArgument: ErrInvalidArgument, KindConnection: ErrConnection, KindTimeout: ErrTimeout,
	KindBadRequest: ErrBadRequest, KindAuthentication: ErrAuthentication,
	KindPermissionDenied: ErrPermissionDenied, KindNotFound: ErrNotFound, KindConflict: ErrConflict,
	KindUnprocessableEntity: ErrUnprocessableEntity, KindRateLimited: ErrRateLimited,
	KindInternalServer: ErrInternalServer, KindAPIStatus: ErrAPIStatus, KindDecode: ErrDecode,
	KindBodyTooLarge: ErrBodyTooLarge, KindInternal: ErrInternal, KindCancelled: ErrCancelled,
	KindProtocol: ErrProtocol,
}

// Error is every failure the library reports. It never contains the token.
//
// A call stopped by its context is an Error too: KindCancelled when the context was
// cancelled, KindTimeout when its deadline passed, and errors.Is(err, context.Canceled) or
// errors.Is(err, context.DeadlineExceeded) holds (Unwrap returns the context's error).
type Error struct {
	Kind       Kind
	StatusCode int    // the HTTP status of API status errors, else 0
	Message    string // the server's message for API status errors, else what went wrong
	Code       string // the server's machine-readable code, e.g. "NOT_FOUND", when sent
	Body       string // the raw body of an API status error (at most its first 64 KiB)
	RequestID  string // the x-request-id (or request-id) response header, when sent
	// Header holds the headers of an API status error's answer (Retry-After, rate-limit
	// headers; canonical names, as net/http keeps them); nil for other errors.
	Header  http.Header
	Retries int    // retries made before giving up
	Method  string // the HTTP method of the failed request, when one was made
	URL     string // the URL of the failed request (never with credentials), when one was made

	// display is the library's one-line form of the error (status, code, message, request,
	// request id, retries); errors made in Go leave it empty.
	display string
	// cause is the context's error when the context ended the call.
	cause error
}

// Error is one line: the library's description (which names the request when one was made),
// then the context's error when the context ended the call.
func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString("openint: ")
	if e.display != "" {
		b.WriteString(e.display)
	} else {
		b.WriteString(e.Message)
		if e.RequestID != "" {
			fmt.Fprintf(&b, " (request id %s)", e.RequestID)
		}
		if e.Retries > 0 {
			fmt.Fprintf(&b, " (after %d retries)", e.Retries)
		}
	}
	if e.cause != nil && !strings.Contains(b.String(), e.cause.Error()) {
		fmt.Fprintf(&b, " (%v)", e.cause)
	}
	return b.String()
}

// Is reports whether target is the sentinel of e's kind.
func (e *Error) Is(target error) bool {
	s, ok := sentinels[e.Kind]
	return ok && s == target
}

// Unwrap gives the context's error (context.Canceled or context.DeadlineExceeded) when the
// context ended the call.
func (e *Error) Unwrap() error { return e.cause }

// decodeError is a KindDecode error for an answer the library accepted but that does not
// match this package's model.
func decodeError(format string, args ...any) *Error {
	return &Error{Kind: KindDecode, Message: fmt.Sprintf(format, args...)}
}

// invalidArgument is a KindInvalidArgument error found in Go, before any request.
func invalidArgument(format string, args ...any) *Error {
	return &Error{Kind: KindInvalidArgument, Message: fmt.Sprintf(format, args...)}
}
