#pragma once
// The one plain-decimal number parser for text that people type or tools write (command-line
// values, sweep values, sweep CSV fields).

#include <cmath>
#include <cstdlib>
#include <optional>
#include <string>

namespace coinfer {

/// @p text as a finite number when it is a plain decimal (digits, '.', an exponent, a sign) and
/// nothing else: strtod alone would also take leading spaces, hexadecimal, inf and nan. O(size).
inline std::optional<double> parsePlainDecimal(const std::string& text)
{
    if (text.empty() || text.find_first_not_of("0123456789.eE+-") != std::string::npos)
        return std::nullopt;
    char* end = nullptr;
    const double value = std::strtod(text.c_str(), &end);
    if (end != text.c_str() + text.size() || !std::isfinite(value))
        return std::nullopt;
    return value;
}

} // namespace coinfer
