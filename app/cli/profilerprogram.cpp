// Running coinfer-profile for `coinfer profile` (app/cli/profile.h): found beside this program,
// started with the same arguments, its output passed on as it comes.
#include "app/cli.h"
#include "app/cli/common.h"
#include "app/cli/profile.h"

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <ostream>
#include <poll.h>
#include <string>
#include <sys/wait.h>
#include <system_error>
#include <unistd.h>
#include <vector>

namespace coinfer::cli {
namespace {

constexpr const char* kProfilerProgram = "coinfer-profile";
/// What the dynamic loader prints when a library is missing, and the exit status it gives.
constexpr const char* kLoaderMissing = "error while loading shared libraries: ";
constexpr int kLoaderFailed = 127;
/// The status of a child that could not run the program at all (it says why itself), as a shell's.
constexpr int kExecFailed = 126;

const std::string kWhatItNeeds = "it needs the CUDA runtime, cuBLAS and cuDNN of the CUDA build: install them, or add their "
                                 "folder to LD_LIBRARY_PATH";

/// The library the loader named in @p messages ("...: libcudnn.so.9: cannot open..."), or "".
std::string missingLibrary(const std::string& messages)
{
    const size_t at = messages.find(kLoaderMissing);
    if (at == std::string::npos)
        return "";
    const size_t name = at + std::strlen(kLoaderMissing);
    return messages.substr(name, messages.find(':', name) - name);
}

/// Copies what the child writes on @p outFd and @p errFd to @p io until both close; keeps the
/// last part of its messages in @p messages, to name a missing library.
void passOutput(int outFd, int errFd, Io io, std::string& messages)
{
    pollfd fds[2] = {{outFd, POLLIN, 0}, {errFd, POLLIN, 0}};
    char buffer[65536];
    int openFds = 2;
    while (openFds > 0) {
        if (poll(fds, 2, -1) < 0) {
            if (errno == EINTR)
                continue;
            break;
        }
        for (pollfd& fd : fds) {
            if (fd.fd < 0 || fd.revents == 0)
                continue;
            const ssize_t n = read(fd.fd, buffer, sizeof buffer);
            if (n < 0 && errno == EINTR)
                continue;
            if (n <= 0) {
                close(fd.fd);
                fd.fd = -1;
                --openFds;
                continue;
            }
            std::ostream& to = &fd == &fds[0] ? io.out : io.err;
            to.write(buffer, n).flush();
            if (&fd == &fds[1]) {
                messages.append(buffer, static_cast<size_t>(n));
                if (messages.size() > 8192)
                    messages.erase(0, messages.size() - 8192);
            }
        }
    }
}

} // namespace

std::string profilerProgramPath()
{
    std::error_code error;
    const std::filesystem::path self = std::filesystem::read_symlink("/proc/self/exe", error);
    return (error ? std::filesystem::path(kProfilerProgram) : self.parent_path() / kProfilerProgram).string();
}

int runProfilerProgram(Io io)
{
    const std::string program = profilerProgramPath();
    if (access(program.c_str(), X_OK) != 0) {
        io.err << "coinfer profile: the GPU profiler is not installed: " << program << " is missing. It comes with a build "
               << "with CUDA (configure with -DCOINFER_CUDA=ON on a machine with the CUDA toolkit and cuDNN, and build the "
               << "coinfer-profile target beside coinfer)\n";
        return kExitNoDevice;
    }
    std::vector<char*> argv{const_cast<char*>(program.c_str())};
    for (const std::string& arg : io.args)
        argv.push_back(const_cast<char*>(arg.c_str()));
    argv.push_back(nullptr);

    int out[2], err[2];
    if (pipe(out) != 0 || pipe(err) != 0) {
        io.err << "coinfer profile: cannot start " << program << ": " << std::strerror(errno) << "\n";
        return kExitNoDevice;
    }
    io.out.flush();
    io.err.flush();
    const pid_t child = fork();
    if (child == 0) {
        dup2(out[1], STDOUT_FILENO);
        dup2(err[1], STDERR_FILENO);
        for (int fd : {out[0], out[1], err[0], err[1]})
            close(fd);
        execv(program.c_str(), argv.data());
        const std::string message = "coinfer profile: cannot start " + program + ": " + std::strerror(errno) + "\n";
        [[maybe_unused]] const ssize_t written = write(STDERR_FILENO, message.data(), message.size());
        _exit(kExecFailed);
    }
    close(out[1]);
    close(err[1]);
    if (child < 0) {
        close(out[0]);
        close(err[0]);
        io.err << "coinfer profile: cannot start " << program << ": " << std::strerror(errno) << "\n";
        return kExitNoDevice;
    }
    std::string messages;
    passOutput(out[0], err[0], io, messages);
    int wstatus = 0;
    while (waitpid(child, &wstatus, 0) < 0 && errno == EINTR) { }
    if (WIFSIGNALED(wstatus)) {
        io.err << "coinfer profile: " << program << " stopped on signal " << WTERMSIG(wstatus) << " ("
               << strsignal(WTERMSIG(wstatus)) << ")\n";
        return 128 + WTERMSIG(wstatus);
    }
    const int status = WIFEXITED(wstatus) ? WEXITSTATUS(wstatus) : kExitNoDevice;
    if (status == kExecFailed)
        return kExitNoDevice;
    if (status == kLoaderFailed) {
        // coinfer-profile's own statuses are 0 to 4: 127 is the dynamic loader's refusal.
        const std::string library = missingLibrary(messages);
        io.err << "coinfer profile: the GPU profiler " << program
               << " cannot start: " << (library.empty() ? std::string("a library it needs is missing") : library + " is missing")
               << "; " << kWhatItNeeds << "\n";
        return kExitNoDevice;
    }
    return status;
}

} // namespace coinfer::cli
