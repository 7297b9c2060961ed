#pragma once
// Reading whole files and writing them atomically (a crash never leaves half a file).

#include "core/util/expected.h"

#include <string>

namespace coinfer {

/// Reads a whole file. Fails with ErrorCode::Io naming the path.
Expected<std::string> readTextFile(const std::string& path);

/// Writes @p content to a temporary file beside @p path, flushes it to disk and renames it over
/// @p path, so readers see the old file or the new one, never a mix. Fails with ErrorCode::Io.
Expected<void> writeFileAtomically(const std::string& path, const std::string& content);

} // namespace coinfer
