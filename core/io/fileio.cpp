#include "core/io/fileio.h"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace coinfer {

Expected<std::string> readTextFile(const std::string& path)
{
    std::ifstream in(path, std::ios::binary);
    if (!in)
        return Unexpected(Error{ErrorCode::Io, path + ": cannot be read: " + std::strerror(errno)});
    std::ostringstream content;
    content << in.rdbuf();
    if (in.bad())
        return Unexpected(Error{ErrorCode::Io, path + ": read failed"});
    return content.str();
}

Expected<void> writeFileAtomically(const std::string& path, const std::string& content)
{
    namespace fs = std::filesystem;
    const fs::path target(path);
    const fs::path directory = target.has_parent_path() ? target.parent_path() : fs::path(".");
    std::string pattern = (directory / ("." + target.filename().string() + ".XXXXXX")).string();
    const int fd = mkstemp(pattern.data());
    if (fd < 0)
        return Unexpected(Error{ErrorCode::Io, path + ": cannot create a temporary file in " + directory.string() + ": " + std::strerror(errno)});
    size_t written = 0;
    while (written < content.size()) {
        const ssize_t n = ::write(fd, content.data() + written, content.size() - written);
        if (n < 0) {
            const std::string reason = std::strerror(errno);
            ::close(fd);
            ::unlink(pattern.c_str());
            return Unexpected(Error{ErrorCode::Io, path + ": write failed: " + reason});
        }
        written += static_cast<size_t>(n);
    }
    ::fchmod(fd, 0644);
    if (::fsync(fd) != 0 || ::close(fd) != 0 || std::rename(pattern.c_str(), path.c_str()) != 0) {
        const std::string reason = std::strerror(errno);
        ::unlink(pattern.c_str());
        return Unexpected(Error{ErrorCode::Io, path + ": cannot be written: " + reason});
    }
    return {};
}

} // namespace coinfer
