package openint

// The cgo boundary: the only file that names C. Everything here is a thin, synchronous
// wrapper over include/openint.h (two small C helpers batch a page's reads so that a page
// costs two cgo calls, not one per item); contexts, lifetimes and decoding live in the other
// files.
//
// Rules followed throughout:
//   - Inputs cross as NUL-terminated copies in Go memory (no malloc, nothing for C to keep).
//   - Out-parameters are Go stack variables that C fills with C pointers (allowed by the cgo
//     pointer rules, and checked by the GOEXPERIMENT=cgocheck2 test run).
//   - Every OpenintError is read into a Go *Error and freed at once.
//   - Strings borrowed from a handle are copied into Go memory before that call returns.

/*
#include "openint.h"

// Reads everything Go needs of a page in one cgo call instead of five.
typedef struct {
	size_t count;
	int64_t total, limit, offset;
	bool has_next;
} oi_page_info;

static OpenintStatus oi_page_read_info(const OpenintPage *p, oi_page_info *info, OpenintError **err) {
	OpenintStatus st;
	if ((st = openint_page_item_count(p, &info->count, err))) return st;
	if ((st = openint_page_total(p, &info->total, err))) return st;
	if ((st = openint_page_limit(p, &info->limit, err))) return st;
	if ((st = openint_page_offset(p, &info->offset, err))) return st;
	return openint_page_has_next(p, &info->has_next, err);
}

// Lends items [0, n) of a page in one cgo call: their JSON in ptrs[i], lengths in lens[i].
static OpenintStatus oi_page_lend_items(const OpenintPage *p, size_t n, const char **ptrs, size_t *lens, OpenintError **err) {
	for (size_t i = 0; i < n; i++) {
		OpenintStatus st = openint_page_item(p, i, &ptrs[i], &lens[i], err);
		if (st) return st;
	}
	return OPENINT_STATUS_OK;
}
*/
import "C"

import (
	"fmt"
	"sync/atomic"
	"unsafe"
)

// Live C handles, for the tests that prove each one is freed exactly once.
var liveClients, livePages atomic.Int64

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

// Version is the version of the linked libopenint, e.g. "0.1.0".
func Version() string { return C.GoString(C.openint_version()) }

// cText is a NUL-terminated copy of b in Go memory. cgo keeps it alive for the call it is
// passed to, and the library reads it only during that call.
func cText(b []byte) *C.char {
	buf := make([]byte, len(b)+1)
	copy(buf, b)
	return (*C.char)(unsafe.Pointer(&buf[0]))
}

// statusName is the library's name for a status, e.g. "not_found".
func statusName(status uint32) string {
	return C.GoString(C.openint_status_name(C.uint32_t(status)))
}

func kindOf(status C.OpenintStatus) Kind {
	switch status {
	case C.OPENINT_STATUS_INVALID_ARGUMENT:
		return KindInvalidArgument
	case C.OPENINT_STATUS_CONNECTION:
		return KindConnection
	case C.OPENINT_STATUS_TIMEOUT:
		return KindTimeout
	case C.OPENINT_STATUS_BAD_REQUEST:
		return KindBadRequest
	case C.OPENINT_STATUS_AUTHENTICATION:
		return KindAuthentication
	case C.OPENINT_STATUS_PERMISSION_DENIED:
		return KindPermissionDenied
	case C.OPENINT_STATUS_NOT_FOUND:
		return KindNotFound
	case C.OPENINT_STATUS_CONFLICT:
		return KindConflict
	case C.OPENINT_STATUS_UNPROCESSABLE_ENTITY:
		return KindUnprocessableEntity
	case C.OPENINT_STATUS_RATE_LIMITED:
		return KindRateLimited
	case C.OPENINT_STATUS_INTERNAL_SERVER:
		return KindInternalServer
	case C.OPENINT_STATUS_API_STATUS:
		return KindAPIStatus
	case C.OPENINT_STATUS_DECODE:
		return KindDecode
	case C.OPENINT_STATUS_BODY_TOO_LARGE:
		return KindBodyTooLarge
	default:
		// OPENINT_STATUS_INTERNAL, and any number a newer library might add.
		return KindInternal
	}
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
	err.Code = optString(C.openint_error_code(e))
	err.Body = optString(C.openint_error_body(e))
	err.RequestID = optString(C.openint_error_request_id(e))
	err.Retries = int(C.openint_error_retries(e))
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

// listConnectors fetches one page; paramsJSON is the params object of the header.
func (c cClient) listConnectors(paramsJSON []byte) (cPage, error) {
	var out *C.OpenintPage
	var e *C.OpenintError
	if st := C.openint_client_list_connectors(c.p, cText(paramsJSON), &out, &e); st != C.OPENINT_STATUS_OK {
		return cPage{}, takeError(st, e)
	}
	livePages.Add(1)
	return cPage{out}, nil
}

// cPage is an OpenintPage pointer.
type cPage struct{ p *C.OpenintPage }

func (p cPage) free() {
	C.openint_page_free(p.p)
	livePages.Add(-1)
}

// pageData is what Go reads of a page: the envelope numbers as sent, the library's verdict
// on whether another page follows, and each item's JSON copied into Go memory.
type pageData struct {
	items                [][]byte
	total, limit, offset int64
	hasNext              bool
}

// read copies the page's items out of the library in two cgo calls. The library has already
// split the page into items (and validated it), so Go decodes each item once instead of
// scanning the whole page again to find them.
func (p cPage) read() (pageData, error) {
	var info C.oi_page_info
	var e *C.OpenintError
	if st := C.oi_page_read_info(p.p, &info, &e); st != C.OPENINT_STATUS_OK {
		return pageData{}, takeError(st, e)
	}
	d := pageData{total: int64(info.total), limit: int64(info.limit), offset: int64(info.offset), hasNext: bool(info.has_next)}
	n := int(info.count)
	if n == 0 {
		return d, nil
	}
	ptrs := make([]*C.char, n)
	lens := make([]C.size_t, n)
	if st := C.oi_page_lend_items(p.p, C.size_t(n), &ptrs[0], &lens[0], &e); st != C.OPENINT_STATUS_OK {
		return pageData{}, takeError(st, e)
	}
	d.items = make([][]byte, n)
	for i := range d.items {
		d.items[i] = C.GoBytes(unsafe.Pointer(ptrs[i]), C.int(lens[i]))
	}
	return d, nil
}

// next fetches the following page; end is true when the listing is over. timeoutSeconds 0
// keeps the bound of the call that made p; +Inf drops it.
func (p cPage) next(timeoutSeconds float64) (next cPage, end bool, err error) {
	var out *C.OpenintPage
	var e *C.OpenintError
	switch st := C.openint_page_next(p.p, C.double(timeoutSeconds), &out, &e); st {
	case C.OPENINT_STATUS_OK:
		livePages.Add(1)
		return cPage{out}, false, nil
	case C.OPENINT_STATUS_END:
		return cPage{}, true, nil
	default:
		return cPage{}, false, takeError(st, e)
	}
}
