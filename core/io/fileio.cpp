#include "core/io/fileio.h"

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <system_error>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace coinfer {

namespace {

Unexpected<Error> ioError(const std::string& path, const std::string& what)
{
    return Unexpected(Error{ErrorCode::Io, (path.empty() ? std::string("\"\" (an empty file name)") : path) + ": " + what});
}

std::string errnoText()
{
    return std::strerror(errno);
}

std::string megabytes(std::uint64_t bytes)
{
    char text[32];
    std::snprintf(text, sizeof text, "%.1f MiB", static_cast<double>(bytes) / (1 << 20));
    return text;
}

/// Closes a descriptor on every path out of a scope.
class FileDescriptor {
public:
    explicit FileDescriptor(int fd) : m_fd(fd) { }
    FileDescriptor(const FileDescriptor&) = delete;
    FileDescriptor& operator=(const FileDescriptor&) = delete;
    ~FileDescriptor() { close(); }
    int get() const { return m_fd; }
    bool valid() const { return m_fd >= 0; }
    int close()
    {
        const int result = m_fd >= 0 ? ::close(m_fd) : 0;
        m_fd = -1;
        return result;
    }

private:
    int m_fd;
};

Expected<std::string> readAll(int fd, const std::string& path, std::uint64_t maxBytes, std::size_t reserveBytes)
{
    std::string content;
    content.reserve(reserveBytes);
    char buffer[1 << 16];
    for (;;) {
        const ssize_t n = ::read(fd, buffer, sizeof buffer);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return ioError(path, "read failed: " + errnoText());
        if (n == 0)
            return content;
        if (content.size() + static_cast<size_t>(n) > maxBytes)
            return ioError(path,
                           "is larger than the " + megabytes(maxBytes) + " input limit (set COINFER_MAX_INPUT_MB to raise it)");
        content.append(buffer, static_cast<size_t>(n));
    }
}

/// The file a write to @p path should replace: symlinks followed to their final target, which
/// need not exist yet.
std::filesystem::path writeTarget(const std::string& path)
{
    namespace fs = std::filesystem;
    fs::path target(path);
    std::error_code error;
    for (int hops = 0; hops < 40 && fs::is_symlink(fs::symlink_status(target, error)); ++hops) {
        const fs::path link = fs::read_symlink(target, error);
        if (error)
            break;
        target = link.is_absolute() ? link : target.parent_path() / link;
    }
    return target;
}

/// An open temporary file in @p directory: unnamed (O_TMPFILE) where the file system allows
/// it, so a killed process leaves nothing behind; else a hidden named file.
struct TemporaryFile {
    int fd = -1;
    std::string name; ///< empty while the file is unnamed
};

TemporaryFile createTemporary(const std::filesystem::path& directory, const std::string& baseName, mode_t mode)
{
#ifdef O_TMPFILE
    const int fd = ::open(directory.c_str(), O_TMPFILE | O_WRONLY | O_CLOEXEC, mode);
    if (fd >= 0)
        return {fd, {}};
#endif
    std::string pattern = (directory / ("." + baseName + ".XXXXXX")).string();
    const int fd2 = ::mkstemp(pattern.data());
    if (fd2 < 0)
        return {};
    ::fchmod(fd2, mode);
    return {fd2, pattern};
}

/// Gives an unnamed temporary file a hidden name beside the target, so it can be renamed.
bool nameTemporary(TemporaryFile& file, const std::filesystem::path& directory, const std::string& baseName)
{
    if (!file.name.empty())
        return true;
    const std::string procPath = "/proc/self/fd/" + std::to_string(file.fd);
    for (int attempt = 0; attempt < 100; ++attempt) {
        const std::string candidate =
            (directory / ("." + baseName + ".tmp" + std::to_string(::getpid()) + "-" + std::to_string(attempt))).string();
        if (::linkat(AT_FDCWD, procPath.c_str(), AT_FDCWD, candidate.c_str(), AT_SYMLINK_FOLLOW) == 0) {
            file.name = candidate;
            return true;
        }
        if (errno != EEXIST)
            return false;
    }
    return false;
}

bool writeFully(int fd, const std::string& content)
{
    size_t written = 0;
    while (written < content.size()) {
        const ssize_t n = ::write(fd, content.data() + written, content.size() - written);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return false;
        written += static_cast<size_t>(n);
    }
    return true;
}

mode_t defaultMode()
{
    const mode_t mask = ::umask(0);
    ::umask(mask);
    return 0666 & ~mask;
}

void syncDirectory(const std::filesystem::path& directory)
{
    FileDescriptor fd(::open(directory.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (fd.valid())
        ::fsync(fd.get()); // best effort: some file systems refuse fsync on a directory
}

} // namespace

std::uint64_t maxInputBytes()
{
    if (const char* text = std::getenv("COINFER_MAX_INPUT_MB")) {
        char* end = nullptr;
        const unsigned long long mib = std::strtoull(text, &end, 10);
        if (end != text && *end == '\0' && mib > 0 && mib < (1ull << 40))
            return mib << 20;
    }
    return kDefaultMaxInputBytes;
}

Expected<std::string> readTextFile(const std::string& path, std::uint64_t maxBytes, std::size_t spareBytes)
{
    if (path.empty())
        return ioError(path, "cannot be read; give the name of a file");
    FileDescriptor fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK));
    if (!fd.valid())
        return ioError(path, "cannot be read: " + errnoText());
    struct stat info { };
    if (::fstat(fd.get(), &info) != 0)
        return ioError(path, "cannot be read: " + errnoText());
    if (S_ISDIR(info.st_mode))
        return ioError(path, "is a directory, not a file");
    if (!S_ISREG(info.st_mode))
        return ioError(path, "is not a regular file (a device, pipe or socket); save the content to a file first");
    if (static_cast<std::uint64_t>(info.st_size) > maxBytes)
        return ioError(path, "is " + megabytes(static_cast<std::uint64_t>(info.st_size)) + ", larger than the " +
                                 megabytes(maxBytes) + " input limit (set COINFER_MAX_INPUT_MB to raise it)");
    ::fcntl(fd.get(), F_SETFL, ::fcntl(fd.get(), F_GETFL) & ~O_NONBLOCK);
    // A file that grows while it is read still reads correctly; the string then grows as usual.
    return readAll(fd.get(), path, maxBytes, static_cast<size_t>(info.st_size) + spareBytes);
}

Expected<void> writeFileAtomically(const std::string& path, const std::string& content)
{
    namespace fs = std::filesystem;
    if (path.empty())
        return ioError(path, "cannot be written; give the name of a file");
    const fs::path target = writeTarget(path);
    const fs::path directory = target.has_parent_path() ? target.parent_path() : fs::path(".");
    const std::string baseName = target.filename().string();
    struct stat existing { };
    const bool exists = ::stat(target.c_str(), &existing) == 0;
    if (exists && S_ISDIR(existing.st_mode))
        return ioError(path, "is a directory; choose a file name");
    // A device, pipe or socket is never replaced: renaming a file over /dev/null or /dev/zero (as
    // root) or over a named pipe would destroy it. stat() follows every symlink, so /dev/stdout
    // and /proc/self/fd/N count as what they point to.
    struct stat followed { };
    if ((exists && !S_ISREG(existing.st_mode)) || (::stat(path.c_str(), &followed) == 0 && !S_ISREG(followed.st_mode)))
        return ioError(path, "is not a regular file (a device, pipe or socket), so it is not replaced; choose a file name");
    const mode_t mode = exists ? (existing.st_mode & 07777) : defaultMode();

    TemporaryFile temporary = createTemporary(directory, baseName, mode);
    if (temporary.fd < 0)
        return ioError(path, "cannot create a temporary file in " + directory.string() + ": " + errnoText());
    FileDescriptor fd(temporary.fd);
    auto fail = [&](const std::string& what) {
        const std::string reason = errnoText();
        fd.close();
        if (!temporary.name.empty())
            ::unlink(temporary.name.c_str());
        return ioError(path, what + ": " + reason);
    };
    if (!writeFully(fd.get(), content))
        return fail("write failed");
    if (exists)
        (void)!::fchown(fd.get(), existing.st_uid, existing.st_gid); // keeps the owner where permitted
    ::fchmod(fd.get(), mode);
    if (::fsync(fd.get()) != 0)
        return fail("cannot be flushed to disk");
    if (!nameTemporary(temporary, directory, baseName))
        return fail("cannot name the temporary file");
    if (fd.close() != 0)
        return fail("cannot be written");
    if (std::rename(temporary.name.c_str(), target.c_str()) != 0)
        return fail("cannot replace the file");
    syncDirectory(directory);
    return {};
}

bool sameFile(const std::string& a, const std::string& b)
{
    if (a.empty() || b.empty())
        return false;
    struct stat first {
    }, second{};
    const bool haveFirst = ::stat(a.c_str(), &first) == 0;
    const int firstError = errno;
    const bool haveSecond = ::stat(b.c_str(), &second) == 0;
    const int secondError = errno;
    if (haveFirst && haveSecond)
        return first.st_dev == second.st_dev && first.st_ino == second.st_ino;
    // A name that does not exist is no file a command reads: "--format json --output json" names
    // no file twice.
    auto missing = [](bool have, int error) { return !have && (error == ENOENT || error == ENOTDIR); };
    if (missing(haveFirst, firstError) || missing(haveSecond, secondError))
        return false;
    // A name that cannot be examined (no permission on a folder, a symlink loop): the same
    // canonical path is the same file.
    std::error_code error, again;
    const std::filesystem::path canonicalA = std::filesystem::weakly_canonical(a, error);
    const std::filesystem::path canonicalB = std::filesystem::weakly_canonical(b, again);
    return !error && !again && canonicalA == canonicalB;
}

} // namespace coinfer
