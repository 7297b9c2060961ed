#pragma once
// Whether this test binary runs under AddressSanitizer, for the tests whose full families take
// minutes there (about 25 times slower than the normal build): they check a stride of them.

namespace coinfer::testing {

#if defined(__SANITIZE_ADDRESS__)
inline constexpr bool kSanitized = true;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
inline constexpr bool kSanitized = true;
#else
inline constexpr bool kSanitized = false;
#endif
#else
inline constexpr bool kSanitized = false;
#endif

} // namespace coinfer::testing
