// Reading inputs within limits and writing files atomically (core/io/fileio.h): what a user set
// up on disk (mode, symlinks) survives a save, and hostile inputs are refused by name.
#include "core/io/fileio.h"

#include <QTemporaryDir>
#include <QTest>

#include <filesystem>
#include <fstream>

#include <sys/stat.h>

using namespace coinfer;
namespace fs = std::filesystem;

namespace {

std::string slurp(const fs::path& path)
{
    std::ifstream in(path, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), {});
}

mode_t modeOf(const fs::path& path)
{
    struct stat info { };
    ::stat(path.c_str(), &info);
    return info.st_mode & 07777;
}

bool contains(const std::string& text, const std::string& part)
{
    return text.find(part) != std::string::npos;
}

} // namespace

class TestFileIo : public QObject {
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    fs::path at(const char* name) const { return fs::path(m_dir.path().toStdString()) / name; }

private slots:
    void readsARegularFile()
    {
        writeFileAtomically(at("a.json").string(), "{\"x\": 1}").value();
        QCOMPARE(readTextFile(at("a.json").string()).value(), std::string("{\"x\": 1}"));
    }

    void refusesADirectoryByName()
    {
        const Expected<std::string> text = readTextFile(m_dir.path().toStdString());
        QVERIFY(!text.has_value());
        QVERIFY2(contains(text.error().message, "is a directory"), text.error().message.c_str());
        QVERIFY(contains(text.error().message, m_dir.path().toStdString()));
    }

    void refusesADeviceInsteadOfReadingForever()
    {
        const Expected<std::string> text = readTextFile("/dev/zero");
        QVERIFY(!text.has_value());
        QVERIFY2(contains(text.error().message, "not a regular file"), text.error().message.c_str());
    }

    void refusesAFileAboveTheLimit()
    {
        writeFileAtomically(at("big.json").string(), std::string(5000, ' ')).value();
        const Expected<std::string> text = readTextFile(at("big.json").string(), 4096);
        QVERIFY(!text.has_value());
        QVERIFY2(contains(text.error().message, "input limit"), text.error().message.c_str());
        QVERIFY(contains(text.error().message, "COINFER_MAX_INPUT_MB"));
        QVERIFY(readTextFile(at("big.json").string(), 5000).has_value());
    }

    void theLimitComesFromTheEnvironment()
    {
        qputenv("COINFER_MAX_INPUT_MB", "3");
        QCOMPARE(maxInputBytes(), std::uint64_t(3) << 20);
        qputenv("COINFER_MAX_INPUT_MB", "lots");
        QCOMPARE(maxInputBytes(), kDefaultMaxInputBytes);
        qunsetenv("COINFER_MAX_INPUT_MB");
        QCOMPARE(maxInputBytes(), kDefaultMaxInputBytes);
    }

    void keepsAPrivateFilePrivate()
    {
        const fs::path file = at("private.json");
        writeFileAtomically(file.string(), "old").value();
        ::chmod(file.c_str(), 0600);
        writeFileAtomically(file.string(), "new").value();
        QCOMPARE(slurp(file), std::string("new"));
        QCOMPARE(modeOf(file), mode_t(0600));
    }

    void aNewFileGetsTheUmaskMode()
    {
        const mode_t old = ::umask(022);
        writeFileAtomically(at("fresh.json").string(), "x").value();
        ::umask(old);
        QCOMPARE(modeOf(at("fresh.json")), mode_t(0644));
    }

    void writesThroughASymlink()
    {
        const fs::path real = at("real.json"), link = at("link.json");
        writeFileAtomically(real.string(), "old").value();
        fs::create_symlink("real.json", link);
        writeFileAtomically(link.string(), "new").value();
        QVERIFY(fs::is_symlink(fs::symlink_status(link)));
        QCOMPARE(slurp(real), std::string("new"));
    }

    void leavesNoTemporaryFileBehind()
    {
        QTemporaryDir dir;
        const fs::path file = fs::path(dir.path().toStdString()) / "plan.json";
        writeFileAtomically(file.string(), "one").value();
        writeFileAtomically(file.string(), "two").value();
        QVERIFY(!writeFileAtomically((fs::path(dir.path().toStdString()) / "missing" / "x.json").string(), "three").has_value());
        int entries = 0;
        for (const auto& entry : fs::directory_iterator(dir.path().toStdString())) {
            ++entries;
            QCOMPARE(entry.path().filename().string(), std::string("plan.json"));
        }
        QCOMPARE(entries, 1);
    }

    void anEmptyNameIsNamedAsSuch()
    {
        // An empty name is named as such: `--output ''` once said "coinfer: : cannot replace the file".
        const Expected<std::string> read = readTextFile("");
        QVERIFY(!read.has_value());
        QVERIFY2(read.error().message == "\"\" (an empty file name): cannot be read; give the name of a file",
                 read.error().message.c_str());
        const Expected<void> written = writeFileAtomically("", "x");
        QVERIFY(!written.has_value());
        QVERIFY2(written.error().message == "\"\" (an empty file name): cannot be written; give the name of a file",
                 written.error().message.c_str());
    }

    void refusesToReplaceADirectory()
    {
        fs::create_directory(at("folder"));
        const Expected<void> written = writeFileAtomically(at("folder").string(), "x");
        QVERIFY(!written.has_value());
        QVERIFY2(contains(written.error().message, "is a directory"), written.error().message.c_str());
    }

    void refusesToReplaceAPipeOrDevice()
    {
        // Before, the temporary file was renamed over whatever the path named: `coinfer plan
        // --output /dev/zero` run as root replaced the device with a regular file, and a named
        // pipe became a file. A pipe (and a symlink to one) stands here for every non-regular file.
        const fs::path pipe = at("pipe");
        QCOMPARE(::mkfifo(pipe.c_str(), 0600), 0);
        fs::create_symlink("pipe", at("link-to-pipe"));
        for (const fs::path& path : {pipe, at("link-to-pipe")}) {
            const Expected<void> written = writeFileAtomically(path.string(), "x");
            QVERIFY(!written.has_value());
            QVERIFY2(contains(written.error().message, path.string() +
                                                           ": is not a regular file (a device, pipe or socket), so it is "
                                                           "not replaced"),
                     written.error().message.c_str());
        }
        QVERIFY(fs::is_fifo(fs::symlink_status(pipe)));
        QVERIFY(fs::is_symlink(fs::symlink_status(at("link-to-pipe"))));
    }

    void sameFileSeesLinksAndSpellings()
    {
        const fs::path file = at("same.json");
        writeFileAtomically(file.string(), "x").value();
        fs::create_hard_link(file, at("hard.json"));
        QVERIFY(sameFile(file.string(), at("hard.json").string()));
        QVERIFY(sameFile(file.string(), (file.parent_path() / "." / "same.json").string()));
        QVERIFY(!sameFile(file.string(), at("real.json").string().append(".none")));
        writeFileAtomically(at("other.json").string(), "x").value();
        QVERIFY(!sameFile(file.string(), at("other.json").string()));
        // A name not written yet is no input, even spelt twice ("--format json --output json");
        // an empty one never matches.
        const fs::path unwritten = at("new.json");
        QVERIFY(!sameFile(unwritten.string(), (unwritten.parent_path() / "." / "new.json").string()));
        QVERIFY(!sameFile("json", "json"));
        QVERIFY(!sameFile("", ""));
    }
};

QTEST_GUILESS_MAIN(TestFileIo)
#include "test_fileio.moc"
