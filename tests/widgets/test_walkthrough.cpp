// The walkthrough tells the split story: on examples/classroom-split.json one step
// names a user that cuts the network inside (0 < p < N) and gives its numbers. The numbers are
// recomputed here from the scenario file itself (layer FLOPs, CPU model, Shannon rate from the
// distance), not from the cost model the walkthrough uses, so a wrong figure or a wrong user fails.
#include "core/io/scenarioio.h"
#include "core/model/plan.h"
#include "core/model/scenario.h"
#include "core/util/expected.h"
#include "widgets/views/walkthrough.h"

#include <QByteArray>
#include <QFile>
#include <QIODevice>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QJsonValue>
#include <QList>
#include <QMessageLogContext>
#include <QObject>
#include <QRegularExpression>
#include <QString>
#include <QStringList>
#include <QTest>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <optional>
#include <vector>

using namespace coinfer;

namespace {

const QString kSplit = QStringLiteral(COINFER_EXAMPLES "/classroom-split.json");
const QString kClassroom = QStringLiteral(COINFER_EXAMPLES "/classroom.json");

/// One user's costs at every partition p = 0..N, from the file's own parameters.
struct UserCosts {
    QString id;
    std::vector<double> localMs;   ///< L(p)
    std::vector<double> computeMj; ///< local computing energy of sub-tasks 1..p
    std::vector<double> energyMj;  ///< computing plus upload energy E(p)
};

QJsonObject readJson(const QString& path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        qFatal("cannot open %s", qPrintable(path));
    return QJsonDocument::fromJson(file.readAll()).object();
}

/// docs/formats.md#the-model: t = c w / f, e = kappa f^2 c w, r = B log2(1 + P h / (N0 B)) with
/// h = 10^(-PL/10), PL = ref + 10 exp log10(d / 1 km); upload energy P d_p 8 / r.
std::vector<UserCosts> costsFromFile(const QJsonObject& root)
{
    const QJsonObject dnn = root["dnn"].toObject();
    const QJsonArray subtasks = dnn["subtasks"].toArray();
    std::vector<double> uploadBytes{dnn["input_bytes"].toDouble()};
    for (const QJsonValue& subtask : subtasks)
        uploadBytes.push_back(subtask.toObject()["output_bytes"].toDouble());
    const QJsonObject channel = root["channel"].toObject();
    const QJsonObject pathLoss = channel["path_loss"].toObject();
    const double bandwidthHz = channel["bandwidth_mhz"].toDouble() * 1e6;
    const double noiseWPerHz = std::pow(10.0, (channel["noise_dbm_per_hz"].toDouble() - 30.0) / 10.0);
    std::vector<UserCosts> all;
    for (const QJsonValue& value : root["users"].toArray()) {
        const QJsonObject user = value.toObject();
        QJsonObject device;
        for (const QJsonValue& candidate : root["device_classes"].toArray())
            if (candidate.toObject()["name"] == user["device_class"])
                device = candidate.toObject();
        const QJsonObject cpu = device["cpu"].toObject();
        const double hz = cpu["frequency_ghz"].toDouble() * 1e9;
        const double powerW = device["tx_power_w"].toDouble();
        const double lossDb = pathLoss["reference_db"].toDouble() +
                              10.0 * pathLoss["exponent"].toDouble() * std::log10(user["distance_m"].toDouble() / 1000.0);
        const double rateBps =
            bandwidthHz * std::log2(1.0 + powerW * std::pow(10.0, -lossDb / 10.0) / (noiseWPerHz * bandwidthHz));
        UserCosts costs{user["id"].toString(), {0.0}, {0.0}, {}};
        for (const QJsonValue& subtask : subtasks) {
            const double cycles = cpu["cycles_per_flop"].toDouble() * subtask.toObject()["flops"].toDouble();
            costs.localMs.push_back(costs.localMs.back() + 1e3 * cycles / hz);
            costs.computeMj.push_back(costs.computeMj.back() + 1e3 * cpu["kappa"].toDouble() * hz * hz * cycles);
        }
        const size_t n = static_cast<size_t>(subtasks.size());
        for (size_t p = 0; p <= n; ++p)
            costs.energyMj.push_back(costs.computeMj[p] + (p < n ? 1e3 * powerW * uploadBytes[p] * 8.0 / rateBps : 0.0));
        all.push_back(costs);
    }
    return all;
}

QString oneDecimal(double value)
{
    return QString::number(value, 'f', 1);
}

} // namespace

class TestWalkthrough : public QObject {
    Q_OBJECT

private slots:
    void splitStepNamesASplittingUserWithItsNumbers()
    {
        const Scenario scenario = *readScenario(kSplit.toStdString());
        const QJsonObject root = readJson(kSplit);
        const std::vector<UserCosts> costs = costsFromFile(root);
        const int n = scenario.dnn.subtaskCount();
        QCOMPARE(static_cast<int>(costs.size()), scenario.userCount());

        const Walkthrough walkthrough(scenario);
        int splitSteps = 0;
        for (int s = 0; s < walkthrough.stepCount(); ++s) {
            const WalkthroughStep& step = walkthrough.step(s);
            if (!step.split)
                continue;
            ++splitSteps;
            const int m = step.split->user;
            const int p = step.split->partition;
            QVERIFY(m >= 0 && m < scenario.userCount());
            // The user splits inside, in the plan this very step shows.
            QVERIFY2(p > 0 && p < n, qPrintable(QString("p = %1").arg(p)));
            QCOMPARE(step.plan.users[static_cast<size_t>(m)].partition, p);
            // The split is cheaper than both ends, by the file's own numbers.
            const UserCosts& user = costs[static_cast<size_t>(m)];
            QVERIFY(user.energyMj[static_cast<size_t>(p)] < user.energyMj[0]);
            QVERIFY(user.energyMj[static_cast<size_t>(p)] < user.energyMj[static_cast<size_t>(n)]);
            // And the user is the step's most telling one: the largest saving against its cheaper end.
            double bestSavingMj = -1;
            QString bestId;
            for (size_t k = 0; k < costs.size(); ++k) {
                const int q = step.plan.users[k].partition;
                if (q <= 0 || q >= n)
                    continue;
                const double saving = std::min(costs[k].energyMj[0], costs[k].energyMj[static_cast<size_t>(n)]) -
                                      costs[k].energyMj[static_cast<size_t>(q)];
                if (saving > bestSavingMj) {
                    bestSavingMj = saving;
                    bestId = costs[k].id;
                }
            }
            QCOMPARE(user.id, bestId);

            const QString text = step.explanation;
            const QString firstLayer = root["dnn"]
                                           .toObject()["subtasks"]
                                           .toArray()[0]
                                           .toObject()["name"]
                                           .toString()
                                           .split(QRegularExpression("[ :]"))
                                           .front();
            const double uploadBytes = root["dnn"].toObject()["subtasks"].toArray()[p - 1].toObject()["output_bytes"].toDouble();
            const double inputBytes = root["dnn"].toObject()["input_bytes"].toDouble();
            const QStringList expected{
                user.id,
                firstLayer,
                oneDecimal(user.localMs[static_cast<size_t>(p)]) + " ms",
                oneDecimal(user.computeMj[static_cast<size_t>(p)]) + " mJ",
                QString::number(std::round(uploadBytes / 1024.0)) + " KB",
                QString::number(std::round(inputBytes / 1024.0)) + " KB",
                oneDecimal(user.energyMj[static_cast<size_t>(p)]) + " mJ",
                oneDecimal(user.energyMj[0]) + " mJ",
                oneDecimal(user.energyMj[static_cast<size_t>(n)]) + " mJ",
            };
            for (const QString& piece : expected)
                QVERIFY2(text.contains(piece), qPrintable("missing \"" + piece + "\" in: " + text));
        }
        QCOMPARE(splitSteps, 1);
    }

    void noSplitStepWhereNobodySplitsInside()
    {
        // The lecture CNN's activations never shrink below the input: nobody splits inside, so
        // the walkthrough must not invent a split story.
        const Scenario scenario = *readScenario(kClassroom.toStdString());
        const Walkthrough walkthrough(scenario);
        for (int s = 0; s < walkthrough.stepCount(); ++s) {
            QVERIFY(!walkthrough.step(s).split);
            for (const UserOutcome& user : walkthrough.step(s).plan.users)
                QVERIFY(user.partition == 0 || user.partition == scenario.dnn.subtaskCount());
        }
    }
};

QTEST_MAIN(TestWalkthrough)
#include "test_walkthrough.moc"
