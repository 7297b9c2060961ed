#pragma once
// Shared by the libFuzzer targets: the checks that turn a broken property into a crash that
// libFuzzer reports (with the message first, so the report says which property broke).

#include "core/simulation/simulator.h"
#include "core/util/expected.h"

#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>
#include <vector>

namespace coinfer::fuzz {

/// The source name every target passes to the readers; each refusal must start with it.
inline const std::string kSource = "fuzz";

/// Stops the run with @p what on stderr: a property of the code does not hold.
[[noreturn]] inline void fail(const std::string& what)
{
    std::fprintf(stderr, "FUZZ PROPERTY BROKEN: %s\n", what.c_str());
    std::fflush(stderr);
    __builtin_trap();
}

inline void check(bool condition, const std::string& what)
{
    if (!condition)
        fail(what);
}

/// A refusal must name the file ("fuzz: ...").
inline void checkNamesSource(const Error& error)
{
    check(error.message.rfind(kSource + ": ", 0) == 0, "error message does not start with the file name: " + error.message);
}

/// The verifier's messages, for a report.
inline std::string violationList(const std::vector<Violation>& violations)
{
    std::string out = std::to_string(violations.size()) + " violation(s)";
    for (const Violation& v : violations)
        out += "; " + v.message;
    return out;
}

inline std::string_view asText(const std::uint8_t* data, std::size_t size)
{
    return {reinterpret_cast<const char*>(data), size};
}

} // namespace coinfer::fuzz
