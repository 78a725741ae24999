package mixpanel

import (
	"github.com/valyala/fastjson"

	"github.com/sieve-analytics/sieve/internal/event"
)

// MaxSDKBytes is the longest SDK name or version kept as one (mp_lib,
// $lib, $lib_version).
const MaxSDKBytes = event.MaxSDKBytes

// sdkName returns the SDK name v holds when it has the shape of one (see
// event.SDKName). Anything else gives "": the property stays in the event as
// sent (the guard judges it like any other), but no finding, fleet entry or
// report names it as an SDK.
func sdkName(v *fastjson.Value) string { return event.SDKName(stringBytes(v)) }

// sdkVersion returns the SDK version v holds when it has the shape of one
// (see event.SDKVersion); anything else gives "", as sdkName.
func sdkVersion(v *fastjson.Value) string { return event.SDKVersion(stringBytes(v)) }

func stringBytes(v *fastjson.Value) []byte {
	if v == nil || v.Type() != fastjson.TypeString {
		return nil
	}
	return v.GetStringBytes()
}
