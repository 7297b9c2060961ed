// The device, channel and population models (core/model/devicemodels.h, population.h) against
// values computed by hand from the formulas of docs/formats.md#the-model with inputs chosen so that the
// arithmetic is exact or short; the worked numbers are in the comments.
#include "core/model/devicemodels.h"
#include "core/model/population.h"
#include "tests/common/tolerance.h"

#include <QTest>

#include <algorithm>
#include <cmath>
#include <map>
#include <set>

using namespace coinfer;
using coinfer::testing::nearlyEqual;

namespace {

QString pair(double actual, double expected)
{
    return QString("got %1, expected %2").arg(actual, 0, 'g', 17).arg(expected, 0, 'g', 17);
}

#define QVERIFY_CLOSE(actual, expected, relative)                                                                                \
    do {                                                                                                                         \
        const double a_ = (actual), e_ = (expected);                                                                             \
        QVERIFY2(nearlyEqual(a_, e_, relative), qPrintable(QString(#actual ": ") + pair(a_, e_)));                               \
    } while (false)

/// Two sub-tasks of 4e8 and 1e8 FLOPs.
Dnn handDnn(const std::string& name = "hand")
{
    Dnn dnn;
    dnn.name = name;
    dnn.inputBytes = 1000;
    dnn.subtasks = {{"s1", 800, 4.0e8, {1.0, 1.5}}, {"s2", 10, 1.0e8, {2.0, 2.5}}};
    return dnn;
}

/// docs/formats.md#the-model by hand: cycles = flops * cyclesPerFlop; t = cycles / f; e = kappa f^2 cycles.
double handLatencyMs(const CpuModel& cpu, double flops)
{
    return flops * cpu.cyclesPerFlop / (cpu.frequencyGhz * 1e9) * 1000.0;
}
double handEnergyMj(const CpuModel& cpu, double flops)
{
    const double f = cpu.frequencyGhz * 1e9;
    return cpu.kappa * f * f * flops * cpu.cyclesPerFlop * 1000.0;
}

/// The distance that gives @p rateMbps, by inverting the Shannon formula and the path loss:
/// SNR = 2^(r/B) - 1, h = SNR N0 B / P, PL = -10 log10 h, d = 1 km x 10^((PL - PL0) / (10 alpha)).
double distanceForRate(const ChannelModel& channel, double txPowerW, double rateMbps)
{
    const double snr = std::exp2(rateMbps / channel.bandwidthMhz) - 1.0;
    const double noiseW = std::pow(10.0, (channel.noiseDbmPerHz - 30.0) / 10.0) * channel.bandwidthMhz * 1e6;
    const double gain = snr * noiseW / txPowerW;
    const double lossDb = -10.0 * std::log10(gain);
    return 1000.0 * std::pow(10.0, (lossDb - channel.pathLossReferenceDb) / (10.0 * channel.pathLossExponent));
}

} // namespace

class TestModels : public QObject {
    Q_OBJECT

private slots:
    void shannonRateByHand()
    {
        // -170 dBm/Hz = 1e-20 W/Hz; over 20 MHz the noise is 2e-13 W. P h = 1 W x 1e-10 = 1e-10 W,
        // so SNR = 500 and r = 20 MHz x log2(501) = 20 x 8.96866679319521 = 179.373335863904 Mbps.
        ChannelModel channel;
        channel.bandwidthMhz = 20;
        channel.noiseDbmPerHz = -170;
        QVERIFY_CLOSE(shannonRateMbps(channel, 1.0, 1e-10), 179.373335863904, 1e-12);
        // SNR = 1 gives exactly 1 bit/s/Hz, SNR = 3 two, SNR = 0 nothing.
        const double noiseW = 1e-20 * 20e6;
        QVERIFY_CLOSE(shannonRateMbps(channel, 0.5, noiseW / 0.5), 20.0, 1e-12);
        QVERIFY_CLOSE(shannonRateMbps(channel, 0.25, 3 * noiseW / 0.25), 40.0, 1e-12);
        QCOMPARE(shannonRateMbps(channel, 0.25, 0.0), 0.0);
        // The default -174 dBm/Hz: 10 MHz of noise is 10^-20.4 x 1e7 = 3.98107e-14 W.
        ChannelModel defaults;
        defaults.bandwidthMhz = 10;
        QVERIFY_CLOSE(shannonRateMbps(defaults, 1.0, 3.981071705534986e-14), 10.0, 1e-12);
    }

    void pathGainByHand()
    {
        ChannelModel channel; // 128.1 dB at 1 km, exponent 3.76
        // At 1 km the loss is the reference: h = 10^-12.81.
        QVERIFY_CLOSE(pathGain(channel, 1000.0), std::pow(10.0, -12.81), 1e-12);
        // At 100 m: 128.1 - 37.6 = 90.5 dB, h = 10^-9.05 = 8.912509381337441e-10.
        QVERIFY_CLOSE(pathGain(channel, 100.0), 8.912509381337441e-10, 1e-12);
        // Free-space-like: 30 dB at 1 km, exponent 2, at 10 m: 30 + 20 log10(0.01) = -10 dB, h = 10.
        ChannelModel near;
        near.pathLossReferenceDb = 30;
        near.pathLossExponent = 2;
        QVERIFY_CLOSE(pathGain(near, 10.0), 10.0, 1e-12);
        QVERIFY_CLOSE(pathGain(near, 100000.0), 1e-7, 1e-12); // 30 + 40 = 70 dB
        // Farther is never better.
        QVERIFY(pathGain(channel, 250.0) > pathGain(channel, 251.0));
    }

    void shannonOfPathGainAt200m()
    {
        // 10 MHz, -174 dBm/Hz, 0.2 W at 200 m: PL = 128.1 + 37.6 log10(0.2) = 101.81872783696569 dB,
        // h = 6.578505108925862e-11, SNR = 0.2 h / (10^-20.4 x 1e7) = 330.48, r = 83.72817859296288 Mbps
        // (Python: math.log10, math.log2 on the same formulas).
        ChannelModel channel;
        channel.bandwidthMhz = 10;
        const double gain = pathGain(channel, 200.0);
        QVERIFY_CLOSE(gain, 6.578505108925862e-11, 1e-12);
        QVERIFY_CLOSE(shannonRateMbps(channel, 0.2, gain), 83.72817859296288, 1e-12);
    }

    void cpuModelByHand()
    {
        // 2 GHz, 0.5 cycles per FLOP, kappa 1e-27 J/(cycle Hz^2).
        // s1: 4e8 FLOPs = 2e8 cycles: 2e8 / 2e9 s = 100 ms; 1e-27 x 4e18 x 2e8 J = 0.8 J = 800 mJ.
        // s2: 1e8 FLOPs = 5e7 cycles: 25 ms and 200 mJ.
        const CpuModel cpu{2.0, 0.5, 1e-27};
        User user;
        user.localLatencyMs = {9, 9, 9}; // replaced, not appended to
        user.localEnergyMj = {9};
        applyCpuModel(cpu, handDnn(), user);
        QCOMPARE(user.localLatencyMs.size(), size_t(2));
        QCOMPARE(user.localEnergyMj.size(), size_t(2));
        QVERIFY_CLOSE(user.localLatencyMs[0], 100.0, 1e-12);
        QVERIFY_CLOSE(user.localLatencyMs[1], 25.0, 1e-12);
        QVERIFY_CLOSE(user.localEnergyMj[0], 800.0, 1e-12);
        QVERIFY_CLOSE(user.localEnergyMj[1], 200.0, 1e-12);
        // Halving the frequency doubles the time and quarters the energy.
        applyCpuModel(CpuModel{1.0, 0.5, 1e-27}, handDnn(), user);
        QVERIFY_CLOSE(user.localLatencyMs[0], 200.0, 1e-12);
        QVERIFY_CLOSE(user.localEnergyMj[0], 200.0, 1e-12);
    }

    void affineCurveByHand()
    {
        const std::vector<double> curve = affineCurve(1.5, 0.25, 4);
        QCOMPARE(curve, (std::vector<double>{1.75, 2.0, 2.25, 2.5}));
        QCOMPARE(affineCurve(3.0, 0.0, 3), (std::vector<double>{3.0, 3.0, 3.0}));
        QVERIFY(affineCurve(1.0, 1.0, 0).empty());
    }

    void populationFollowsItsSpec()
    {
        const std::vector<DeviceClass> classes = {
            {"slow", {1.0, 1.0, 2e-28}, 0.1}, {"mid", {2.0, 0.5, 1e-28}, 0.2}, {"fast", {3.0, 0.25, 5e-29}, 0.4}};
        ChannelModel channel;
        channel.bandwidthMhz = 10;
        PopulationSpec spec;
        spec.count = 20000;
        spec.seed = 11;
        spec.idPrefix = "cam";
        spec.deviceMix = {{"slow", 1.0}, {"mid", 2.0}, {"fast", 5.0}};
        spec.deadlineMs = {100.0, 300.0, {}};
        spec.byDistance = true;
        spec.distanceM = {50.0, 400.0, {}};
        const Dnn dnn = handDnn();

        std::vector<User> users(1);
        users[0].id = "existing";
        generatePopulation(spec, classes, &channel, dnn, users);
        QCOMPARE(users.size(), size_t(20001));
        QCOMPARE(users[0].id, std::string("existing")); // appended, not replaced
        std::map<std::string, int> perClass;
        std::set<std::string> ids;
        double deadlineSum = 0;
        for (size_t i = 1; i < users.size(); ++i) {
            const User& user = users[i];
            QCOMPARE(user.id, "cam" + std::to_string(i));
            ids.insert(user.id);
            ++perClass[user.deviceClass];
            const auto device =
                std::find_if(classes.begin(), classes.end(), [&](const DeviceClass& c) { return c.name == user.deviceClass; });
            QVERIFY(device != classes.end());
            QCOMPARE(user.txPowerW, device->txPowerW);
            QVERIFY(user.deadlineMs >= 100.0 && user.deadlineMs < 300.0);
            deadlineSum += user.deadlineMs;
            for (int n = 0; n < 2; ++n) {
                QVERIFY_CLOSE(user.localLatencyMs[static_cast<size_t>(n)],
                              handLatencyMs(device->cpu, dnn.subtasks[static_cast<size_t>(n)].flops), 1e-12);
                QVERIFY_CLOSE(user.localEnergyMj[static_cast<size_t>(n)],
                              handEnergyMj(device->cpu, dnn.subtasks[static_cast<size_t>(n)].flops), 1e-12);
            }
            // The rate is Shannon of the path gain at some distance in the range.
            const double distance = distanceForRate(channel, user.txPowerW, user.uplinkRateMbps);
            QVERIFY2(distance >= 50.0 * (1 - 1e-9) && distance <= 400.0 * (1 + 1e-9), qPrintable(QString::number(distance)));
            QVERIFY_CLOSE(shannonRateMbps(channel, user.txPowerW, pathGain(channel, distance)), user.uplinkRateMbps, 1e-9);
        }
        QCOMPARE(ids.size(), size_t(20000));
        // Weights 1:2:5 of 20000: 2500, 5000, 12500 expected; binomial standard deviations are
        // 47, 61 and 68, so 5 of them (about 350) is a bound a correct generator practically never crosses.
        QVERIFY2(std::abs(perClass["slow"] - 2500) < 350, qPrintable(QString::number(perClass["slow"])));
        QVERIFY2(std::abs(perClass["mid"] - 5000) < 350, qPrintable(QString::number(perClass["mid"])));
        QVERIFY2(std::abs(perClass["fast"] - 12500) < 350, qPrintable(QString::number(perClass["fast"])));
        // Mean of U[100, 300] is 200, standard error 57.7 / sqrt(20000) = 0.41.
        QVERIFY2(std::fabs(deadlineSum / 20000 - 200.0) < 2.5, qPrintable(QString::number(deadlineSum / 20000)));
    }

    void populationFromChoicesAndRates()
    {
        const std::vector<DeviceClass> classes = {{"only", {1.5, 1.0, 1e-28}, 0.3}, {"unused", {1.0, 1.0, 1e-28}, 0.3}};
        PopulationSpec spec;
        spec.count = 3000;
        spec.seed = 5;
        spec.deviceMix = {{"only", 1.0}};
        spec.deadlineMs = {0, 0, {50.0, 75.0, 90.0}};
        spec.byDistance = false;
        spec.uplinkRateMbps = {2.0, 8.0, {}};
        std::vector<User> users;
        generatePopulation(spec, classes, nullptr, handDnn(), users);
        QCOMPARE(users.size(), size_t(3000));
        QCOMPARE(users.front().id, std::string("u1")); // the default prefix
        std::map<double, int> perDeadline;
        for (const User& user : users) {
            QCOMPARE(user.deviceClass, std::string("only"));
            ++perDeadline[user.deadlineMs];
            QVERIFY(user.uplinkRateMbps >= 2.0 && user.uplinkRateMbps < 8.0);
        }
        QCOMPARE(perDeadline.size(), size_t(3));          // only the choices, each of them drawn
        for (const auto& [deadline, count] : perDeadline) // 1000 each, sd 26
            QVERIFY2(std::abs(count - 1000) < 150, qPrintable(QString("%1: %2").arg(deadline).arg(count)));
        QVERIFY(perDeadline.count(50.0) && perDeadline.count(75.0) && perDeadline.count(90.0));
    }

    void populationIsDeterministicPerSeed()
    {
        const std::vector<DeviceClass> classes = {{"a", {1.0, 1.0, 1e-28}, 0.1}, {"b", {2.0, 1.0, 1e-28}, 0.2}};
        ChannelModel channel;
        channel.bandwidthMhz = 5;
        PopulationSpec spec;
        spec.count = 50;
        spec.seed = 123;
        spec.deviceMix = {{"a", 1.0}, {"b", 1.0}};
        spec.deadlineMs = {10.0, 20.0, {}};
        spec.distanceM = {10.0, 100.0, {}};
        std::vector<User> first, second, other;
        generatePopulation(spec, classes, &channel, handDnn(), first);
        generatePopulation(spec, classes, &channel, handDnn(), second);
        spec.seed = 124;
        generatePopulation(spec, classes, &channel, handDnn(), other);
        int different = 0;
        for (size_t i = 0; i < first.size(); ++i) {
            QCOMPARE(first[i].deviceClass, second[i].deviceClass);
            QCOMPARE(first[i].deadlineMs, second[i].deadlineMs);
            QCOMPARE(first[i].uplinkRateMbps, second[i].uplinkRateMbps);
            different += first[i].deadlineMs != other[i].deadlineMs;
        }
        QVERIFY(different > 40);
    }

    void replaceDnnRecomputesLocalTables()
    {
        Scenario scenario;
        scenario.name = "two classes";
        scenario.dnn = handDnn("old");
        scenario.deviceClasses = {{"phone", {2.0, 0.5, 1e-27}, 0.2}, {"watch", {0.5, 2.0, 4e-27}, 0.05}};
        scenario.users.resize(2);
        scenario.users[0] = {"p1", "phone", 150, {1}, {1}, 12.5, 0.2};
        scenario.users[1] = {"w1", "watch", 900, {1}, {1}, 2.5, 0.05};
        Dnn replacement;
        replacement.name = "new";
        replacement.inputBytes = 42;
        replacement.subtasks = {{"x", 1, 1.0e9, {3.0}}, {"y", 1, 2.0e8, {1.0}}, {"z", 1, 4.0e6, {0.5}}};

        Expected<Scenario> replaced = replaceDnn(scenario, replacement);
        QVERIFY(replaced.has_value());
        QCOMPARE(replaced->dnn.name, std::string("new"));
        QCOMPARE(replaced->dnn.subtaskCount(), 3);
        // phone, x: 1e9 x 0.5 = 5e8 cycles at 2 GHz = 250 ms, 1e-27 x 4e18 x 5e8 = 2 J = 2000 mJ.
        // watch, x: 2e9 cycles at 0.5 GHz = 4000 ms, 4e-27 x 2.5e17 x 2e9 = 2 J = 2000 mJ.
        QVERIFY_CLOSE(replaced->users[0].localLatencyMs[0], 250.0, 1e-12);
        QVERIFY_CLOSE(replaced->users[0].localEnergyMj[0], 2000.0, 1e-12);
        QVERIFY_CLOSE(replaced->users[1].localLatencyMs[0], 4000.0, 1e-12);
        QVERIFY_CLOSE(replaced->users[1].localEnergyMj[0], 2000.0, 1e-12);
        for (size_t m = 0; m < 2; ++m) {
            const CpuModel& cpu = scenario.deviceClasses[m].cpu;
            QCOMPARE(replaced->users[m].localLatencyMs.size(), size_t(3));
            for (size_t n = 0; n < 3; ++n) {
                QVERIFY_CLOSE(replaced->users[m].localLatencyMs[n], handLatencyMs(cpu, replacement.subtasks[n].flops), 1e-12);
                QVERIFY_CLOSE(replaced->users[m].localEnergyMj[n], handEnergyMj(cpu, replacement.subtasks[n].flops), 1e-12);
            }
            // Everything else of the user stays.
            QCOMPARE(replaced->users[m].id, scenario.users[m].id);
            QCOMPARE(replaced->users[m].deadlineMs, scenario.users[m].deadlineMs);
            QCOMPARE(replaced->users[m].uplinkRateMbps, scenario.users[m].uplinkRateMbps);
        }
        QCOMPARE(scenario.dnn.name, std::string("old")); // the input is untouched

        // A user whose class the scenario does not define: refused, naming the user and the DNN.
        scenario.users[1].deviceClass = "tablet";
        Expected<Scenario> refused = replaceDnn(scenario, replacement);
        QVERIFY(!refused.has_value());
        QCOMPARE(int(refused.error().code), int(ErrorCode::BadInput));
        QVERIFY2(refused.error().message.find("'w1'") != std::string::npos, refused.error().message.c_str());
        QVERIFY2(refused.error().message.find("'new'") != std::string::npos, refused.error().message.c_str());
        // A user given by tables (no class) is refused too.
        scenario.users[1].deviceClass.clear();
        QVERIFY(!replaceDnn(scenario, replacement).has_value());
    }
};

QTEST_APPLESS_MAIN(TestModels)
#include "test_models.moc"
