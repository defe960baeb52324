package openint

// The cgo boundary: the only file that names C. Everything here is a thin, synchronous
// wrapper over include/openint.h; contexts, lifetimes and decoding live in the other files.
// The small C helpers below batch what Go needs of a page into the call that fetched it, so a
// page costs one crossing to fetch and read (plus one to free), not one per item or field.
//
// Rules followed throughout:
//   - Inputs cross as NUL-terminated copies in Go memory (no malloc, nothing for C to keep).
//   - Out-parameters are Go variables that C fills with C pointers (allowed by the cgo
//     pointer rules, and checked by the GOEXPERIMENT=cgocheck2 test run).
//   - Every OpenintError is read into a Go *Error and freed at once.
//   - Bytes borrowed from a handle are copied into Go memory before the handle is freed.

/*
#include <stdint.h>
#include "openint.h"

// What Go reads of a page, filled by the call that fetched it.
typedef struct {
	size_t count;
	int64_t total, limit, offset;
	bool has_next;
	const char *json;
	size_t json_len;
} oi_page_info;

static OpenintStatus oi_page_read(const OpenintPage *p, oi_page_info *info, OpenintError **err) {
	OpenintStatus st;
	if ((st = openint_page_item_count(p, &info->count, err))) return st;
	if ((st = openint_page_total(p, &info->total, err))) return st;
	if ((st = openint_page_limit(p, &info->limit, err))) return st;
	if ((st = openint_page_offset(p, &info->offset, err))) return st;
	if ((st = openint_page_has_next(p, &info->has_next, err))) return st;
	return openint_page_json(p, &info->json, &info->json_len, err);
}

// The first page of a listing, read.
static OpenintStatus oi_list(const OpenintClient *c, const char *op, const char *params,
		const char *options, const OpenintCancel *cancel, OpenintPage **page,
		oi_page_info *info, OpenintError **err) {
	OpenintStatus st = openint_client_list(c, op, params, options, cancel, page, err);
	if (st) return st;
	if ((st = oi_page_read(*page, info, err))) {
		openint_page_free(*page);
		*page = NULL;
	}
	return st;
}

// The page after prev, read; OPENINT_STATUS_END passes through.
static OpenintStatus oi_next(const OpenintPage *prev, const char *options,
		const OpenintCancel *cancel, OpenintPage **page, oi_page_info *info, OpenintError **err) {
	OpenintStatus st = openint_page_next_with(prev, options, cancel, page, err);
	if (st) return st;
	if ((st = oi_page_read(*page, info, err))) {
		openint_page_free(*page);
		*page = NULL;
	}
	return st;
}

// One call and its body.
static OpenintStatus oi_call(const OpenintClient *c, const char *op, const char *params,
		const char *options, const OpenintCancel *cancel, OpenintResponse **resp,
		const char **body, size_t *len, OpenintError **err) {
	OpenintStatus st = openint_client_call_with(c, op, params, options, cancel, resp, err);
	if (st) return st;
	*body = openint_response_body(*resp, len);
	return OPENINT_STATUS_OK;
}

// The logger callback: a Go function (logging.go) receiving the logger's id as an integer, so
// that no pointer-shaped value that is not a pointer ever reaches Go.
extern void openintGoLog(uintptr_t id, uint32_t level, char *target, char *message);

static void oi_log(void *user_data, uint32_t level, const char *target, const char *message) {
	openintGoLog((uintptr_t)user_data, level, (char *)target, (char *)message);
}

static OpenintStatus oi_set_client_logger(const OpenintClient *c, uint32_t level, uintptr_t id, OpenintError **err) {
	return openint_client_set_logger(c, level, level ? oi_log : NULL, (void *)id, err);
}
*/
import "C"

import (
	"fmt"
	"net/http"
	"sync/atomic"
	"unsafe"
)

// Live C handles, for the tests that prove each one is freed exactly once.
var liveClients, livePages, liveCancels atomic.Int64

// abiError is set at init when the linked library speaks another ABI than the header this
// package was compiled against; NewClient returns it.
var abiError = checkABI(uint32(C.openint_abi_version()), uint32(C.OPENINT_ABI_VERSION))

func checkABI(library, header uint32) error {
	if library == header {
		return nil
	}
	return &Error{Kind: KindInternal, Message: fmt.Sprintf(
		"the linked libopenint speaks ABI %d but this Go package was built for ABI %d (include/openint.h): "+
			"rebuild the library (cargo build --release -p openint) and the Go program from the same checkout",
		library, header)}
}

// Version is the version of the linked libopenint, e.g. "0.2.0".
func Version() string { return C.GoString(C.openint_version()) }

// operationsJSON is the library's operation table (openint_operations_json).
func operationsJSON() string { return C.GoString(C.openint_operations_json()) }

// cText is a NUL-terminated copy of b in Go memory. cgo keeps it alive for the call it is
// passed to, and the library reads it only during that call. nil gives NULL.
func cText(b []byte) *C.char {
	if b == nil {
		return nil
	}
	buf := make([]byte, len(b)+1)
	copy(buf, b)
	return (*C.char)(unsafe.Pointer(&buf[0]))
}

// goBytes copies n bytes at p into Go memory (never nil, so an empty body is still a body).
func goBytes(p *C.char, n C.size_t) []byte {
	out := make([]byte, int(n))
	if n > 0 {
		copy(out, unsafe.Slice((*byte)(unsafe.Pointer(p)), int(n)))
	}
	return out
}

func cString(s string) *C.char {
	buf := make([]byte, len(s)+1)
	copy(buf, s)
	return (*C.char)(unsafe.Pointer(&buf[0]))
}

// statusName is the library's name for a status, e.g. "not_found".
func statusName(status uint32) string {
	return C.GoString(C.openint_status_name(C.uint32_t(status)))
}

// kindOf maps a status to a Kind; the numbers are the same (errors.go), any number a newer
// library might add reads as KindInternal.
func kindOf(status C.OpenintStatus) Kind {
	if k := Kind(status); k >= KindInvalidArgument && k <= KindProtocol {
		return k
	}
	return KindInternal
}

// takeError converts a failed call's status and error into a Go *Error and frees the C error.
func takeError(status C.OpenintStatus, e *C.OpenintError) *Error {
	defer C.openint_error_free(e)
	err := &Error{Kind: kindOf(status)}
	if e == nil {
		// Not expected (every call passes err_out), but never lose the status.
		err.Message = "openint call failed: " + statusName(uint32(status))
		return err
	}
	err.StatusCode = int(C.openint_error_http_status(e))
	err.Message = C.GoString(C.openint_error_message(e))
	err.display = optString(C.openint_error_display(e))
	err.Code = optString(C.openint_error_code(e))
	err.Body = optString(C.openint_error_body(e))
	err.RequestID = optString(C.openint_error_request_id(e))
	err.Method = optString(C.openint_error_method(e))
	err.URL = optString(C.openint_error_url(e))
	err.Retries = int(C.openint_error_retries(e))
	if n := C.openint_error_header_count(e); n > 0 {
		err.Header = readHeaders(n, func(i C.size_t, name, value **C.char) bool {
			return bool(C.openint_error_header_at(e, i, name, value))
		})
	}
	return err
}

func optString(s *C.char) string {
	if s == nil {
		return ""
	}
	return C.GoString(s)
}

// cClient is an OpenintClient pointer; the Go Client owns it through a handle.
type cClient struct{ p *C.OpenintClient }

func newCClient(optionsJSON []byte) (cClient, error) {
	var out *C.OpenintClient
	var e *C.OpenintError
	if st := C.openint_client_new(cText(optionsJSON), &out, &e); st != C.OPENINT_STATUS_OK {
		return cClient{}, takeError(st, e)
	}
	liveClients.Add(1)
	return cClient{out}, nil
}

func (c cClient) free() {
	C.openint_client_free(c.p)
	liveClients.Add(-1)
}

// setLogger routes the client's log lines at level and above to the Go logger registered as
// id (level 0 removes it).
func (c cClient) setLogger(level uint32, id uintptr) error {
	var e *C.OpenintError
	if st := C.oi_set_client_logger(c.p, C.uint32_t(level), C.uintptr_t(id), &e); st != C.OPENINT_STATUS_OK {
		return takeError(st, e)
	}
	return nil
}

// cCancel is an OpenintCancel pointer.
type cCancel struct{ p *C.OpenintCancel }

func newCCancel() (cCancel, error) {
	var out *C.OpenintCancel
	var e *C.OpenintError
	if st := C.openint_cancel_new(&out, &e); st != C.OPENINT_STATUS_OK {
		return cCancel{}, takeError(st, e)
	}
	liveCancels.Add(1)
	return cCancel{out}, nil
}

func (c cCancel) fire()       { C.openint_cancel(c.p) }
func (c cCancel) fired() bool { return bool(C.openint_cancel_is_cancelled(c.p)) }
func (c cCancel) free()       { C.openint_cancel_free(c.p); liveCancels.Add(-1) }

// ptr is the handle to pass to a call (NULL for none).
func (c *cCancel) ptr() *C.OpenintCancel {
	if c == nil {
		return nil
	}
	return c.p
}

// callResult is what a call returns: its body copied into Go memory, and its response's
// status and headers when asked for.
type callResult struct {
	body []byte
	resp *Response
}

// call runs operation op (blocking) with params and options as JSON.
func (c cClient) call(op string, params, options []byte, cancel *cCancel, wantResponse bool) (callResult, error) {
	var resp *C.OpenintResponse
	var body *C.char
	var n C.size_t
	var e *C.OpenintError
	st := C.oi_call(c.p, cString(op), cText(params), cText(options), cancel.ptr(), &resp, &body, &n, &e)
	if st != C.OPENINT_STATUS_OK {
		return callResult{}, takeError(st, e)
	}
	defer C.openint_response_free(resp)
	r := callResult{body: goBytes(body, n)}
	if wantResponse {
		r.resp = readResponse(resp)
	}
	return r, nil
}

// readResponse copies a response's status, request id, retries and headers.
func readResponse(resp *C.OpenintResponse) *Response {
	if resp == nil {
		return nil
	}
	r := &Response{
		StatusCode: int(C.openint_response_status(resp)),
		RequestID:  optString(C.openint_response_request_id(resp)),
		Retries:    int(C.openint_response_retries(resp)),
		Header: readHeaders(C.openint_response_header_count(resp), func(i C.size_t, name, value **C.char) bool {
			return bool(C.openint_response_header_at(resp, i, name, value))
		}),
	}
	return r
}

// readHeaders copies the n headers of a response or error handle that at reads by index.
func readHeaders(n C.size_t, at func(i C.size_t, name, value **C.char) bool) http.Header {
	h := make(http.Header, int(n))
	for i := C.size_t(0); i < n; i++ {
		var name, value *C.char
		if !at(i, &name, &value) {
			break
		}
		h.Add(C.GoString(name), C.GoString(value))
	}
	return h
}

// cPage is an OpenintPage pointer.
type cPage struct{ p *C.OpenintPage }

func (p cPage) free() {
	C.openint_page_free(p.p)
	livePages.Add(-1)
}

func (p cPage) response() *Response { return readResponse(C.openint_page_response(p.p)) }

// pageData is what Go reads of a page: the envelope numbers as sent, the library's verdict on
// whether another page follows, the item count, and the page JSON copied into Go memory
// (items are decoded from it, and their Raw are slices of it).
type pageData struct {
	count                int
	total, limit, offset int64
	hasNext              bool
	json                 []byte
}

func readInfo(info *C.oi_page_info) pageData {
	return pageData{
		count:   int(info.count),
		total:   int64(info.total),
		limit:   int64(info.limit),
		offset:  int64(info.offset),
		hasNext: bool(info.has_next),
		// One copy of the page: the library keeps its own until the page is freed.
		json: goBytes(info.json, info.json_len),
	}
}

// list fetches and reads the first page of list operation op.
func (c cClient) list(op string, params, options []byte, cancel *cCancel) (cPage, pageData, error) {
	var out *C.OpenintPage
	var info C.oi_page_info
	var e *C.OpenintError
	st := C.oi_list(c.p, cString(op), cText(params), cText(options), cancel.ptr(), &out, &info, &e)
	if st != C.OPENINT_STATUS_OK {
		return cPage{}, pageData{}, takeError(st, e)
	}
	livePages.Add(1)
	return cPage{out}, readInfo(&info), nil
}

// next fetches and reads the page after p; end is true when the listing is over.
func (p cPage) next(options []byte, cancel *cCancel) (next cPage, d pageData, end bool, err error) {
	var out *C.OpenintPage
	var info C.oi_page_info
	var e *C.OpenintError
	switch st := C.oi_next(p.p, cText(options), cancel.ptr(), &out, &info, &e); st {
	case C.OPENINT_STATUS_OK:
		livePages.Add(1)
		return cPage{out}, readInfo(&info), false, nil
	case C.OPENINT_STATUS_END:
		return cPage{}, pageData{}, true, nil
	default:
		return cPage{}, pageData{}, false, takeError(st, e)
	}
}
