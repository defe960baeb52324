package openint

import (
	"errors"
	"fmt"
	"strings"
)

// Kind classifies an error. The library decides the kind (HTTP status mapping lives in the
// Rust core, not here); the numbers equal the OpenintStatus values of include/openint.h.
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
	KindInternalServer      Kind = 11 // HTTP 500 and above
	KindAPIStatus           Kind = 12 // any other non-2xx status, including a refused cross-origin redirect
	KindDecode              Kind = 13 // a 2xx answer that is not the expected JSON, or a server ignoring offset
	KindBodyTooLarge        Kind = 14 // the body passed WithMaxBodyBytes
	KindInternal            Kind = 15 // a bug in the library; please report it
)

var kindNames = map[Kind]string{
	KindInvalidArgument: "invalid_argument", KindConnection: "connection", KindTimeout: "timeout",
	KindBadRequest: "bad_request", KindAuthentication: "authentication",
	KindPermissionDenied: "permission_denied", KindNotFound: "not_found", KindConflict: "conflict",
	KindUnprocessableEntity: "unprocessable_entity", KindRateLimited: "rate_limited",
	KindInternalServer: "internal_server", KindAPIStatus: "api_status", KindDecode: "decode",
	KindBodyTooLarge: "body_too_large", KindInternal: "internal",
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
	ErrInternalServer      = errors.New("openint: server error (5xx)")
	ErrAPIStatus           = errors.New("openint: unexpected HTTP status")
	ErrDecode              = errors.New("openint: unexpected response body")
	ErrBodyTooLarge        = errors.New("openint: response body too large")
	ErrInternal            = errors.New("openint: internal library error")

	// ErrClosed is returned by calls on a closed Client (and on pages of a closed Client).
	ErrClosed = errors.New("openint: client is closed")
)

var sentinels = map[Kind]error{
	KindInvalidArgument: ErrInvalidArgument, KindConnection: ErrConnection, KindTimeout: ErrTimeout,
	KindBadRequest: ErrBadRequest, KindAuthentication: ErrAuthentication,
	KindPermissionDenied: ErrPermissionDenied, KindNotFound: ErrNotFound, KindConflict: ErrConflict,
	KindUnprocessableEntity: ErrUnprocessableEntity, KindRateLimited: ErrRateLimited,
	KindInternalServer: ErrInternalServer, KindAPIStatus: ErrAPIStatus, KindDecode: ErrDecode,
	KindBodyTooLarge: ErrBodyTooLarge, KindInternal: ErrInternal,
}

// Error is every failure the library reports. It never contains the token.
type Error struct {
	Kind       Kind
	StatusCode int    // the HTTP status of API status errors, else 0
	Message    string // the server's message for API status errors, else what went wrong
	Code       string // the server's machine-readable code, e.g. "NOT_FOUND", when sent
	Body       string // the raw body of an API status error
	RequestID  string // the x-request-id (or request-id) response header, when sent
	Retries    int    // retries made before giving up

	// cause is the context error when a timeout came from the context's deadline.
	cause error
}

func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString("openint: ")
	switch {
	case e.StatusCode != 0 && e.Code != "":
		fmt.Fprintf(&b, "HTTP %d %s: ", e.StatusCode, e.Code)
	case e.StatusCode != 0:
		fmt.Fprintf(&b, "HTTP %d: ", e.StatusCode)
	default:
		b.WriteString(e.Kind.String())
		b.WriteString(": ")
	}
	b.WriteString(e.Message)
	if e.RequestID != "" {
		fmt.Fprintf(&b, " (request id %s)", e.RequestID)
	}
	if e.Retries > 0 {
		fmt.Fprintf(&b, " (after %d retries)", e.Retries)
	}
	return b.String()
}

// Is reports whether target is the sentinel of e's kind.
func (e *Error) Is(target error) bool {
	s, ok := sentinels[e.Kind]
	return ok && s == target
}

// Unwrap gives context.DeadlineExceeded when the library timed out because the context's
// deadline passed.
func (e *Error) Unwrap() error { return e.cause }

// decodeError is a KindDecode error for a body the library accepted but Go cannot decode.
func decodeError(format string, args ...any) *Error {
	return &Error{Kind: KindDecode, Message: fmt.Sprintf(format, args...)}
}
