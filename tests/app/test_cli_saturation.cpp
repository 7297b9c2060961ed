// `coinfer compare` and `coinfer plan --format table` say when the GPU caps the saving
// (core/planning/saturation.h), with the same sentence and number, and say nothing of it where
// the devices and deadlines are the limit; the plan file keeps its form.
#include "app/cli.h"
#include "core/io/fileio.h"
#include "core/io/scenarioio.h"
#include "core/model/costmodel.h"
#include "core/planning/saturation.h"

#include <QTemporaryDir>
#include <QTest>

#include <sstream>
#include <string>
#include <vector>

using namespace coinfer;

namespace {

struct Run {
    int status;
    std::string out, err;
};

Run run(const std::vector<std::string>& args)
{
    std::ostringstream out, err;
    const int status = runCli(args, out, err);
    return {status, out.str(), err.str()};
}

const std::string kClassroom = COINFER_EXAMPLES "/classroom.json";
const std::string kSentenceStart = "the GPU is saturated: no plan can save more than ";

} // namespace

class TestCliSaturation : public QObject {
    Q_OBJECT

private slots:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        // examples/campus.json at 2,000 users: the GPU takes most of the saving (tests/core/test_saturation).
        std::string campus = *readTextFile(COINFER_EXAMPLES "/campus.json");
        const size_t at = campus.find("\"count\": 200");
        QVERIFY(at != std::string::npos);
        campus.replace(at, 12, "\"count\": 2000");
        m_campus = m_dir.filePath("campus-2000.json").toStdString();
        QVERIFY(static_cast<bool>(writeFileAtomically(m_campus, campus)));
        const Expected<Scenario> scenario = readScenario(m_campus);
        QVERIFY(scenario);
        m_sentence = describeGpuSaturation(gpuSaturation(CostModel(*scenario)));
        QVERIFY(m_sentence.starts_with(kSentenceStart));
    }

    /// The sentence on its own line right after the recommendation, with the core's number.
    void compareSaysTheGpuIsSaturated()
    {
        const Run result = run({"compare", m_campus, "--time-limit-ms", "100"});
        QCOMPARE(result.status, 0);
        QVERIFY2(result.out.find("\n" + m_sentence + "\n") != std::string::npos, result.out.c_str());
        const size_t recommended = result.out.find("recommended: ");
        QVERIFY(recommended != std::string::npos);
        QCOMPARE(result.out.find('\n', recommended) + 1, result.out.find(m_sentence));
    }

    void compareIsSilentWhereTheGpuIsNotTheLimit()
    {
        const Run result = run({"compare", kClassroom});
        QCOMPARE(result.status, 0);
        QVERIFY2(result.out.find("saturated") == std::string::npos, result.out.c_str());
    }

    void planTableSaysTheGpuIsSaturated()
    {
        const Run result = run({"plan", m_campus, "--algorithm", "og", "--format", "table"});
        QCOMPARE(result.status, 0);
        // The last line of the table, after the totals and the bound.
        QVERIFY2(result.out.ends_with("\n" + m_sentence + "\n"), result.out.c_str());
    }

    void planTableIsSilentWhereTheGpuIsNotTheLimit()
    {
        const Run result = run({"plan", kClassroom, "--format", "table"});
        QCOMPARE(result.status, 0);
        QVERIFY2(result.out.find("saturated") == std::string::npos, result.out.c_str());
    }

    /// The plan file is a contract read by other tools: it stays JSON from its first byte to its last.
    void planFileIsUnchanged()
    {
        const Run result = run({"plan", m_campus, "--algorithm", "og"});
        QCOMPARE(result.status, 0);
        QVERIFY(result.out.starts_with("{"));
        QVERIFY(result.out.find("saturated") == std::string::npos);
    }

private:
    QTemporaryDir m_dir;
    std::string m_campus;
    std::string m_sentence;
};

QTEST_GUILESS_MAIN(TestCliSaturation)
#include "test_cli_saturation.moc"
