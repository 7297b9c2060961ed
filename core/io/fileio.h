#pragma once
// Reading whole input files within a size limit, and writing files atomically: a crash never
// leaves half a file, and a write keeps what the user set up (mode, owner, symlinks).

#include "core/util/expected.h"

#include <cstddef>
#include <cstdint>
#include <string>

namespace coinfer {

/// The default cap on an input file: 256 MiB. The environment variable COINFER_MAX_INPUT_MB
/// overrides it (documented in docs/reliability.md).
inline constexpr std::uint64_t kDefaultMaxInputBytes = 256ull << 20;

/// The cap in force: COINFER_MAX_INPUT_MB (a positive whole number of MiB) or the default.
std::uint64_t maxInputBytes();

/// Reads a whole regular file of at most @p maxBytes. Refuses, naming the path, a directory, a
/// device or pipe (so `/dev/zero` cannot fill memory), a file above the cap, and a file that
/// cannot be read (ErrorCode::Io). The string's capacity is reserved once, from the file's size
/// plus @p spareBytes (room a caller may append, e.g. a parser's padding), so a large file is
/// never copied while it is read. O(size).
Expected<std::string> readTextFile(const std::string& path, std::uint64_t maxBytes = maxInputBytes(), std::size_t spareBytes = 0);

/// Writes @p content to @p path atomically: to an unnamed temporary file in the target's
/// folder (a named one where the file system has no O_TMPFILE), flushed to disk, then renamed
/// over the target, and the folder synced, so readers see the old file or the new one, never a
/// mix, and no temporary file is left behind on any error. A symlink is written through to its
/// target. An existing file keeps its mode and, where permitted, its owner; a new one gets
/// 0666 less the umask. A directory, device, pipe or socket at @p path is refused, never
/// replaced. Fails with ErrorCode::Io naming the path. O(size).
Expected<void> writeFileAtomically(const std::string& path, const std::string& content);

/// Whether two paths name the same file: for existing files the same device and inode, so links
/// and different spellings count. False when either does not exist (a name not written yet is
/// no input) or is empty; a name that cannot be examined (EACCES, ELOOP) is compared by its
/// canonical path. O(path length).
bool sameFile(const std::string& a, const std::string& b);

} // namespace coinfer
