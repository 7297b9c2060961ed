// What every build has of core/io/onnximport.h; without COINFER_ONNX also the import functions,
// answering that this build cannot import (as gpu/ answers "built without CUDA").
#include "core/io/onnximport.h"
#include "core/util/expected.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

namespace coinfer {

bool isOnnxPath(std::string_view path)
{
    constexpr std::string_view extension = ".onnx";
    if (path.size() < extension.size())
        return false;
    const std::string_view tail = path.substr(path.size() - extension.size());
    return std::equal(tail.begin(), tail.end(), extension.begin(),
                      [](char a, char b) { return std::tolower(static_cast<unsigned char>(a)) == b; });
}

Expected<std::vector<std::int64_t>> parseOnnxShape(std::string_view text)
{
    auto bad = [&](const std::string& why) {
        return Unexpected(Error{ErrorCode::BadInput, "input shape '" + std::string(text) + "': " + why +
                                                         " (give N x C x H x W or N x features, e.g. 1x3x224x224)"});
    };
    std::vector<std::int64_t> dims;
    size_t start = 0;
    while (true) {
        const size_t x = text.find('x', start);
        const std::string_view part = text.substr(start, x == std::string_view::npos ? std::string_view::npos : x - start);
        std::int64_t value = 0;
        const auto [end, error] = std::from_chars(part.data(), part.data() + part.size(), value);
        if (part.empty() || error != std::errc() || end != part.data() + part.size())
            return bad("'" + std::string(part) + "' is not a whole number");
        if (value < 1 || value > 1'000'000)
            return bad("each size must be from 1 to 1000000, not " + std::to_string(value));
        dims.push_back(value);
        if (x == std::string_view::npos)
            break;
        start = x + 1;
    }
    if (dims.size() != 2 && dims.size() != 4)
        return bad("has " + std::to_string(dims.size()) + " sizes; Coinfer takes 2 or 4");
    return dims;
}

#ifndef COINFER_ONNX

namespace {

Error withoutOnnx(const std::string& source)
{
    return Error{ErrorCode::BadInput, source +
                                          ": this Coinfer was built without ONNX support; install libonnx-dev and "
                                          "libprotobuf-dev (scripts/install-deps.sh) and build again with -DCOINFER_ONNX=ON"};
}

} // namespace

bool onnxImportAvailable()
{
    return false;
}

std::vector<std::string> onnxSupportedOperators()
{
    return {};
}

Expected<OnnxImport> importOnnxBytes(std::string_view, const std::string& sourceName, const OnnxImportOptions&)
{
    return Unexpected(withoutOnnx(sourceName));
}

Expected<OnnxImport> importOnnx(const std::string& path, const OnnxImportOptions&)
{
    return Unexpected(withoutOnnx(path));
}

#endif

} // namespace coinfer
