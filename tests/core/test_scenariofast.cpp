// The fast reader of the table form against the path-naming reader: it takes the
// files it is for, and on every other file, good, bad or hostile, parseScenario() gives exactly
// what the path-naming reader gives (the same scenario, the same message, the same warnings).
#include "core/io/fileio.h"
#include "core/io/scenariofast.h"
#include "core/io/scenarioio.h"
#include "core/model/randomscenario.h"

#include <QDir>
#include <QDirIterator>
#include <QTest>

#include <algorithm>
#include <random>

using namespace coinfer;

namespace {

/// The fast reader alone on @p text (padded as it needs).
std::optional<Scenario> fast(const std::string& text)
{
    std::string padded = text + std::string(detail::kFastReaderPadding, ' ');
    return detail::readTableScenarioFast(padded.data(), text.size(), {});
}

/// Empty when parseScenario() and the path-naming reader agree on @p text, else what differs.
/// Also checks the fast reader alone: whatever it takes, the path-naming reader takes to the
/// same scenario without a warning.
std::string disagreement(const std::string& text, const std::string& source)
{
    std::vector<std::string> warnings, pathWarnings;
    const Expected<Scenario> both = parseScenario(text, source, {}, &warnings);
    const Expected<Scenario> paths = detail::parseScenarioWithPaths(text, source, {}, &pathWarnings);
    if (both.has_value() != paths.has_value())
        return "one reader accepts, the other refuses: " + (both ? paths.error().message : both.error().message);
    if (!both && both.error().message != paths.error().message)
        return "messages differ: \"" + both.error().message + "\" and \"" + paths.error().message + "\"";
    if (both && !(*both == *paths))
        return "the scenarios differ";
    if (warnings != pathWarnings)
        return "the warnings differ";
    if (const std::optional<Scenario> alone = fast(text)) {
        if (!paths)
            return "the fast reader takes what the path-naming reader refuses: " + paths.error().message;
        if (!(*alone == *paths))
            return "the fast reader reads another scenario";
        if (!pathWarnings.empty())
            return "the fast reader takes a file with a warning: " + pathWarnings.front();
    }
    return {};
}

std::string smallTableForm()
{
    RandomScenarioSpec spec;
    spec.users = 4;
    spec.subtasks = 3;
    spec.maxBatch = 3;
    return scenarioToJson(makeRandomScenario(7, spec));
}

} // namespace

class TestScenarioFast : public QObject {
    Q_OBJECT

private slots:
    void initTestCase()
    {
        if (!detail::haveFastScenarioReader())
            QSKIP("this build has no simdjson, so no fast reader");
    }

    void takesTheTableForm_data()
    {
        QTest::addColumn<int>("seed");
        QTest::addColumn<int>("users");
        QTest::addColumn<int>("subtasks");
        QTest::addColumn<int>("maxBatch");
        QTest::addColumn<bool>("batchCurve");
        for (int seed = 1; seed <= 12; ++seed)
            QTest::addRow("seed %d", seed) << seed << 1 + seed * 7 % 40 << 1 + seed % 6 << 1 + seed % 5 << (seed % 2 == 0);
    }

    void takesTheTableForm()
    {
        QFETCH(int, seed);
        QFETCH(int, users);
        QFETCH(int, subtasks);
        QFETCH(int, maxBatch);
        QFETCH(bool, batchCurve);
        RandomScenarioSpec spec;
        spec.users = users;
        spec.subtasks = subtasks;
        spec.maxBatch = maxBatch;
        spec.constantEdge = !batchCurve;
        const Scenario scenario = makeRandomScenario(static_cast<std::uint64_t>(seed), spec);
        const std::string text = scenarioToJson(scenario);
        const std::optional<Scenario> read = fast(text);
        QVERIFY2(read.has_value(), "the fast reader gave up on the table form");
        const Expected<Scenario> paths = detail::parseScenarioWithPaths(text, "t.json", {}, nullptr);
        QVERIFY(paths.has_value());
        QVERIFY(*read == *paths);
        QCOMPARE(disagreement(text, "t.json"), std::string());
    }

    void takesAnExpandedPopulation()
    {
        // What `coinfer expand` writes for the campus: device classes, a channel, device_class per user.
        const Expected<Scenario> campus = readScenario(COINFER_EXAMPLES "/campus.json");
        QVERIFY(campus.has_value());
        const std::string text = scenarioToJson(*campus);
        const std::optional<Scenario> read = fast(text);
        QVERIFY2(read.has_value(), "the fast reader gave up on the expanded campus");
        QVERIFY(*read == *detail::parseScenarioWithPaths(text, "c.json", {}, nullptr));
    }

    /// Every file kept for the tests and the examples: the same result from both.
    void agreesOnEveryTestFile()
    {
        int files = 0;
        for (const char* folder : {COINFER_TEST_DATA "/good", COINFER_TEST_DATA "/bad", COINFER_TEST_DATA "/counterexamples",
                                   COINFER_TEST_DATA "/hostile/scenario", COINFER_EXAMPLES}) {
            QDirIterator it(QString::fromUtf8(folder), {QStringLiteral("*.json")}, QDir::Files);
            while (it.hasNext()) {
                const std::string path = it.next().toStdString();
                if (path.find("population-of-10-million") != std::string::npos)
                    continue; // the path-naming reader takes a while to refuse it; no table form
                const Expected<std::string> text = readTextFile(path);
                QVERIFY(text.has_value());
                const std::string problem = disagreement(*text, path);
                QVERIFY2(problem.empty(), (path + ": " + problem).c_str());
                ++files;
            }
        }
        QVERIFY(files >= 50);
    }

    /// Edits of a good table file that the fast reader must leave to the other one, or read as
    /// it would.
    void agreesOnEditsOfATableFile_data()
    {
        QTest::addColumn<QByteArray>("from");
        QTest::addColumn<QByteArray>("to");
        QTest::addColumn<bool>("fastTakesIt");
        const auto row = [](const char* tag, const char* from, const char* to, bool fastTakesIt) {
            QTest::newRow(tag) << QByteArray(from) << QByteArray(to) << fastTakesIt;
        };
        row("unchanged", "", "", true);
        row("unknown field", "\"deadline_ms\"", "\"dedline\": 1, \"deadline_ms\"", false);
        row("unknown root field", "\"format\"", "\"colour\": \"red\", \"format\"", false);
        row("duplicate key", "\"deadline_ms\"", "\"deadline_ms\": 5, \"deadline_ms\"", false);
        row("escaped id", "\"id\": \"u", "\"id\": \"\\u0075", false);
        row("lone surrogate", "\"id\": \"u", "\"id\": \"\\udc00", false);
        row("escaped key", "\"tx_power_w\"", "\"tx_power\\u005fw\"", true);
        row("minus zero", "\"tx_power_w\": ", "\"arrival_rate_per_s\": -0, \"tx_power_w\": ", false);
        row("a rate of 0", "\"tx_power_w\": ", "\"arrival_rate_per_s\": 0, \"tx_power_w\": ", true);
        row("trailing content", "\n}\n", "\n} x\n", false);
        row("second document", "\n}\n", "\n} {}\n", false);
        row("missing comma", ",\n      \"tx_power_w\"", "\n      \"tx_power_w\"", false);
        row("trailing comma", "\"version\": 1", "\"version\": 1,", false);
        row("comment", "\"version\": 1", "\"version\": /* c */ 1", false);
        row("byte order mark", "{", "\xEF\xBB\xBF{", false);
        row("NaN", "\"deadline_ms\": ", "\"deadline_ms\": NaN, \"x\": ", false);
        row("1e400", "\"tx_power_w\": ", "\"tx_power_w\": 1e400, \"x\": ", false);
        row("27 digits after 0.", "\"version\": 1", "\"version\": 1.000000000000000000000000000", true);
        row("version 1.0", "\"version\": 1", "\"version\": 1.0", true);
        row("version 2", "\"version\": 1", "\"version\": 2", false);
        row("description text", "\"version\": 1", "\"version\": 1, \"description\": \"any text\"", true);
        row("description object", "\"version\": 1", "\"version\": 1, \"description\": {\"a\": [1, tru]}", false);
        row("population", "\"version\": 1", "\"version\": 1, \"population\": {}", false);
        row("online", "\"version\": 1", "\"version\": 1, \"online\": {}", false);
        row("control character", "\"id\": \"u", "\"id\": \"\tu", false);
        row("invalid UTF-8", "\"id\": \"u", "\"id\": \"\xC3\x28u", false);
        row("integer above 2^64", "\"tx_power_w\": ", "\"arrival_rate_per_s\": 18446744073709551617, \"tx_power_w\": ", false);
        row("jitter 1", "\"tx_power_w\": ", "\"deadline_jitter\": 1, \"tx_power_w\": ", false);
        row("jitter 0.5", "\"tx_power_w\": ", "\"deadline_jitter\": 0.5, \"tx_power_w\": ", true);
        row("wrong table length", "\"local_energy_mj\": [", "\"local_energy_mj\": [1, ", false);
        row("duplicate id", "\"id\": \"u2\"", "\"id\": \"u1\"", false);
        row("empty users", "\"users\": [", "\"users\": [], \"u\": [", false);
    }

    void agreesOnEditsOfATableFile()
    {
        QFETCH(QByteArray, from);
        QFETCH(QByteArray, to);
        QFETCH(bool, fastTakesIt);
        std::string text = smallTableForm();
        if (!from.isEmpty()) {
            const size_t at = text.find(from.toStdString());
            QVERIFY2(at != std::string::npos, from.constData());
            text.replace(at, static_cast<size_t>(from.size()), to.toStdString());
        }
        QCOMPARE(fast(text).has_value(), fastTakesIt);
        QCOMPARE(disagreement(text, "edit.json"), std::string());
    }

    /// Numbers of up to 40 digits, with and without exponents, in a table: the same doubles as
    /// the path-naming reader (strtod). simdjson 3.0.1 alone misreads "0." followed by more than
    /// 19 digits.
    void readsLongNumbersAsThePathNamingReader()
    {
        const std::string good = smallTableForm();
        const std::string from = "\"edge_latency_ms\": [";
        std::mt19937 random(19);
        for (int file = 0; file < 40; ++file) {
            std::string numbers;
            for (int i = 0; i < 3; ++i) {
                const int digits = 1 + static_cast<int>(random() % 40);
                // At most 6 whole digits and exponents up to 9: below the input cap of 10^15.
                const int whole = static_cast<int>(random() % static_cast<unsigned>(std::min(digits, 6) + 1));
                std::string text = whole == 0 ? "0" : std::string(1, static_cast<char>('1' + random() % 9));
                for (int d = 1; d < whole; ++d)
                    text += static_cast<char>('0' + random() % 10);
                if (whole < digits) {
                    text += '.';
                    for (int d = whole; d < digits; ++d)
                        text += static_cast<char>('0' + random() % 10);
                }
                if (random() % 3 == 0)
                    text += "e" + std::to_string(static_cast<int>(random() % 20) - 10);
                numbers += text + ", ";
            }
            std::string text = good;
            // The first edge table becomes these three numbers (the table length is B_max = 3).
            const size_t at = text.find(from);
            const size_t close = text.find(']', at);
            QVERIFY(at != std::string::npos && close != std::string::npos);
            text.replace(at + from.size(), close - at - from.size(), numbers.substr(0, numbers.size() - 2));
            const std::optional<Scenario> read = fast(text);
            QVERIFY2(read.has_value(), text.c_str());
            QCOMPARE(disagreement(text, "numbers.json"), std::string());
        }
    }

    /// Random byte edits of a good table file (deterministic): whatever the fast reader takes,
    /// the path-naming reader takes to the same scenario without a warning, and the messages of
    /// the refused ones are the same.
    void agreesOnRandomByteEdits()
    {
        const std::string good = smallTableForm();
        const std::string alphabet = "{}[],:\"\\ 0123456789.-+eEtrunlfasx\t\n";
        std::mt19937 random(15);
        int taken = 0;
        for (int i = 0; i < 3000; ++i) {
            std::string text = good;
            const int edits = 1 + static_cast<int>(random() % 3);
            for (int e = 0; e < edits; ++e) {
                const size_t at = random() % text.size();
                switch (random() % 3) {
                case 0:
                    text[at] = alphabet[random() % alphabet.size()];
                    break;
                case 1:
                    text.erase(at, 1);
                    break;
                default:
                    text.insert(at, 1, alphabet[random() % alphabet.size()]);
                    break;
                }
            }
            taken += fast(text).has_value();
            const std::string problem = disagreement(text, "edit.json");
            QVERIFY2(problem.empty(), (problem + "\n" + text).c_str());
        }
        QVERIFY(taken > 0); // some edits (of digits) leave a valid file that the fast reader takes
    }
};

QTEST_APPLESS_MAIN(TestScenarioFast)
#include "test_scenariofast.moc"
