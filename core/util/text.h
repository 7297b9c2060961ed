#pragma once
// Small text helpers shared by the readers of hand-written text (sweep values, trace CSVs).

#include <cstddef>
#include <string>
#include <string_view>

namespace coinfer {

/// The blanks trimmed() takes off: space, tab and carriage return, the padding that a list typed
/// by hand ("50, 100") or a cell of a CRLF file carries. A line feed is not among them: it ends a
/// record, so a value that still holds one is malformed and is refused, never silently cut.
inline constexpr std::string_view kTrimmedBlanks = " \t\r";

/// @p text without leading and trailing kTrimmedBlanks; empty when it holds nothing else. O(length).
inline std::string trimmed(std::string_view text)
{
    const size_t first = text.find_first_not_of(kTrimmedBlanks);
    if (first == std::string_view::npos)
        return {};
    const size_t last = text.find_last_not_of(kTrimmedBlanks);
    return std::string(text.substr(first, last - first + 1));
}

} // namespace coinfer
