// Pins the project's one seeded generator (core/util/random.h) and two seeded products of it, so
// that a change to the generator cannot silently change every seeded population and trace.
//
// References, none of them taken from this program's output:
// - next(): the 50 published SplitMix64 outputs for seed 1477776061723855037 from the test
//   "reference" of rand_xoshiro (rust-random/rngs, rand_xoshiro/src/splitmix64.rs), which says
//   they were produced with Sebastiano Vigna's reference splitmix64.c
//   (https://prng.di.unimi.it/splitmix64.c). An independent Python implementation of that C
//   code reproduces them, and gives the seed 0 values below.
// - uniform() and draw(): computed here from the published outputs with the documented formulas
//   ((x >> 11) * 2^-53; min + (max - min) u; choices[floor(u * size)]).
// - generatePopulation and makeArrivalTrace: computed by the same Python SplitMix64 with the
//   formulas of docs/formats.md#the-model and the draw order documented below (one uniform per class pick,
//   then the deadline, then the distance or rate; per-user trace streams seeded with
//   seed * 0x9E3779B97F4A7C15 + m * 7919 + 1, exponential gaps -ln(1 - u) / rate, one deadline
//   draw per task). The script is quoted at the end of this file.
#include "core/model/population.h"
#include "core/online/online.h"
#include "core/util/random.h"
#include "tests/common/tolerance.h"

#include <QTest>

#include <cmath>
#include <cstdint>

using namespace coinfer;
using coinfer::testing::nearlyEqual;

/// The generator's draws against the numbers computed here from its published formula.
constexpr double kGeneratorTolerance = 1e-12;

namespace {

constexpr std::uint64_t kPublishedSeed = 1477776061723855037ull;
constexpr std::uint64_t kPublished[50] = {
    1985237415132408290ull,  2979275885539914483ull,  13511426838097143398ull, 8488337342461049707ull,  15141737807933549159ull,
    17093170987380407015ull, 16389528042912955399ull, 13177319091862933652ull, 10841969400225389492ull, 17094824097954834098ull,
    3336622647361835228ull,  9678412372263018368ull,  11111587619974030187ull, 7882215801036322410ull,  5709234165213761869ull,
    7799681907651786826ull,  4616320717312661886ull,  4251077652075509767ull,  7836757050122171900ull,  5054003328188417616ull,
    12919285918354108358ull, 16477564761813870717ull, 5124667218451240549ull,  18099554314556827626ull, 7603784838804469118ull,
    6358551455431362471ull,  3037176434532249502ull,  3217550417701719149ull,  9958699920490216947ull,  5965803675992506258ull,
    12000828378049868312ull, 12720568162811471118ull, 245696019213873792ull,   8351371993958923852ull,  14378754021282935786ull,
    5655432093647472106ull,  5508031680350692005ull,  8515198786865082103ull,  6287793597487164412ull,  14963046237722101617ull,
    3630795823534910476ull,  8422285279403485710ull,  10554287778700714153ull, 10871906555720704584ull, 8659066966120258468ull,
    9420238805069527062ull,  10338115333623340156ull, 13514802760105037173ull, 14635952304031724449ull, 15419692541594102413ull,
};

double uniformOf(std::uint64_t bits)
{
    return std::ldexp(static_cast<double>(bits >> 11), -53);
}

QString pair(double actual, double expected)
{
    return QString("got %1, expected %2").arg(actual, 0, 'g', 17).arg(expected, 0, 'g', 17);
}

Dnn twoSubtaskDnn()
{
    Dnn dnn;
    dnn.name = "pin";
    dnn.inputBytes = 1000;
    dnn.subtasks = {{"a", 500, 2.0e8, {1.0}}, {"b", 100, 5.0e7, {1.0}}};
    return dnn;
}

std::vector<DeviceClass> pinClasses()
{
    return {{"phone", {1.8, 0.25, 1e-28}, 0.2}, {"tablet", {2.4, 0.2, 2e-28}, 0.5}};
}

struct ExpectedUser {
    const char* deviceClass;
    double deadlineMs;
    double uplinkRateMbps;
};

} // namespace

class TestRandom : public QObject {
    Q_OBJECT

private slots:
    void nextMatchesThePublishedSplitMix64Outputs()
    {
        SeededRandom random(kPublishedSeed);
        for (int i = 0; i < 50; ++i) {
            const std::uint64_t got = random.next();
            QVERIFY2(got == kPublished[i],
                     qPrintable(QString("output %1: got %2, published %3").arg(i).arg(got).arg(kPublished[i])));
        }
        // Seed 0 (Python implementation of splitmix64.c): the state starts at the seed itself.
        SeededRandom zero(0);
        QCOMPARE(zero.next(), std::uint64_t(0xE220A8397B1DCDAFull));
        QCOMPARE(zero.next(), std::uint64_t(0x6E789E6AA1B965F4ull));
        QCOMPARE(zero.next(), std::uint64_t(0x06C45D188009454Full));
    }

    void uniformIsTheTop53BitsScaled()
    {
        SeededRandom random(kPublishedSeed);
        for (int i = 0; i < 50; ++i) {
            const double u = random.uniform();
            QVERIFY2(u == uniformOf(kPublished[i]), qPrintable(pair(u, uniformOf(kPublished[i])))); // exact: 53 bits fit a double
            QVERIFY(u >= 0.0 && u < 1.0);
        }
        // By hand: 1985237415132408290 >> 11 = 969354206607621, / 2^53.
        QVERIFY(uniformOf(kPublished[0]) == 969354206607621.0 / 9007199254740992.0);
    }

    void drawFollowsRangesAndChoices()
    {
        SeededRandom random(kPublishedSeed);
        const Distribution range{-2.0, 6.0, {}};
        for (int i = 0; i < 10; ++i) {
            const double expected = -2.0 + 8.0 * uniformOf(kPublished[i]);
            const double got = random.draw(range);
            QVERIFY2(nearlyEqual(got, expected, 1e-15), qPrintable(pair(got, expected)));
        }
        // Choices override the range; each draw takes one uniform.
        const Distribution choices{100.0, 200.0, {10.0, 20.0, 30.0}};
        for (int i = 10; i < 50; ++i) {
            const double expected = choices.choices[static_cast<size_t>(std::floor(uniformOf(kPublished[i]) * 3.0))];
            QCOMPARE(random.draw(choices), expected);
        }
        // A degenerate range gives its one value, and one choice is always that choice.
        SeededRandom other(3);
        QCOMPARE(other.draw(Distribution{4.5, 4.5, {}}), 4.5);
        QCOMPARE(other.draw(Distribution{0, 1, {7.0}}), 7.0);
    }

    void sameSeedSameStreamOtherSeedOtherStream()
    {
        SeededRandom a(99), b(99), c(100);
        bool differs = false;
        for (int i = 0; i < 20; ++i) {
            const std::uint64_t x = a.next();
            QCOMPARE(x, b.next());
            differs = differs || x != c.next();
        }
        QVERIFY(differs);
    }

    void populationIsPinned()
    {
        // Seed 2024, phone:tablet 3:1, deadlines U[100, 300] ms, distances U[50, 500] m, 10 MHz
        // channel with the 3GPP-style defaults (-174 dBm/Hz, 128.1 dB + 37.6 log10(d / 1 km)).
        PopulationSpec spec;
        spec.count = 6;
        spec.seed = 2024;
        spec.idPrefix = "dev-";
        spec.deviceMix = {{"phone", 3.0}, {"tablet", 1.0}};
        spec.deadlineMs = {100.0, 300.0, {}};
        spec.byDistance = true;
        spec.distanceM = {50.0, 500.0, {}};
        ChannelModel channel;
        channel.bandwidthMhz = 10.0;
        const ExpectedUser expected[] = {
            {"phone", 119.44638169753854, 88.13394411883714},  {"phone", 266.11558671074124, 62.14127962170535},
            {"phone", 219.2688375059821, 108.7626092656832},   {"phone", 192.31118854898, 43.3213187746206},
            {"tablet", 232.2929833014908, 126.68955475017698}, {"phone", 298.3498939864752, 83.03928002038647},
        };
        std::vector<User> users;
        generatePopulation(spec, pinClasses(), &channel, twoSubtaskDnn(), users);
        QCOMPARE(users.size(), size_t(6));
        for (size_t i = 0; i < users.size(); ++i) {
            QCOMPARE(users[i].id, "dev-" + std::to_string(i + 1));
            QCOMPARE(users[i].deviceClass, std::string(expected[i].deviceClass));
            QVERIFY2(nearlyEqual(users[i].deadlineMs, expected[i].deadlineMs, kGeneratorTolerance),
                     qPrintable(pair(users[i].deadlineMs, expected[i].deadlineMs)));
            QVERIFY2(nearlyEqual(users[i].uplinkRateMbps, expected[i].uplinkRateMbps, kGeneratorTolerance),
                     qPrintable(pair(users[i].uplinkRateMbps, expected[i].uplinkRateMbps)));
        }

        // Seed 7, deadlines from {80, 120, 160} ms, rates U[5, 25] Mbps.
        spec.seed = 7;
        spec.deadlineMs = {0, 0, {80.0, 120.0, 160.0}};
        spec.byDistance = false;
        spec.uplinkRateMbps = {5.0, 25.0, {}};
        const ExpectedUser byRate[] = {
            {"phone", 80.0, 23.015213612137668}, {"phone", 120.0, 9.988630445654866},   {"phone", 80.0, 7.685165976168973},
            {"phone", 80.0, 24.197481531461833}, {"tablet", 160.0, 22.280153245871976}, {"phone", 160.0, 11.527226031074855},
        };
        users.clear();
        generatePopulation(spec, pinClasses(), nullptr, twoSubtaskDnn(), users);
        QCOMPARE(users.size(), size_t(6));
        for (size_t i = 0; i < users.size(); ++i) {
            QCOMPARE(users[i].deviceClass, std::string(byRate[i].deviceClass));
            QCOMPARE(users[i].deadlineMs, byRate[i].deadlineMs);
            QVERIFY2(nearlyEqual(users[i].uplinkRateMbps, byRate[i].uplinkRateMbps, kGeneratorTolerance),
                     qPrintable(pair(users[i].uplinkRateMbps, byRate[i].uplinkRateMbps)));
        }
    }

    void arrivalTracesArePinned()
    {
        // Two users: deadlines 100 and 200 ms; user 0 at the default 5 tasks/s, user 1 at its own
        // 8 tasks/s; jitter 0.25, 10 ms slots, a 1 s horizon, seed 5.
        Scenario scenario;
        scenario.dnn = twoSubtaskDnn();
        scenario.users.resize(2);
        scenario.users[0].id = "a";
        scenario.users[0].deadlineMs = 100;
        scenario.users[1].id = "b";
        scenario.users[1].deadlineMs = 200;
        scenario.users[1].arrivalRatePerSecond = 8;
        scenario.online.present = true;
        scenario.online.slotMs = 10;
        scenario.online.horizonMs = 1000;
        scenario.online.ratePerSecond = 5;
        scenario.online.deadlineJitter = 0.25;

        const OnlineTask poisson[] = {
            {0, 287.8499266702057, 406.7173610084144}, {0, 435.92585392509585, 525.2012881449442},
            {1, 553.2377355065088, 796.7379689433781}, {1, 571.7293685936285, 787.9496122687666},
            {1, 626.3223073123082, 829.8837240069706}, {1, 688.3667070803299, 935.948834132585},
            {0, 751.8983805172674, 847.1054889697787}, {1, 866.8763756540657, 1038.4047339830631},
            {0, 937.8852417222276, 1035.632137095742},
        };
        const OnlineTask bernoulli[] = {
            {1, 110.0, 343.145820555486},   {1, 170.0, 335.71802778709224}, {0, 200.0, 300.77599482057354},
            {0, 220.0, 344.88739462683213}, {1, 260.0, 506.34855746178073}, {1, 300.0, 480.0395440856222},
            {1, 330.0, 494.3762034719699},  {1, 450.0, 697.1807126667558},  {1, 470.0, 620.7742654395433},
            {0, 590.0, 666.1008308415405},  {1, 770.0, 970.9001571864984},  {1, 860.0, 1069.927824225436},
            {1, 880.0, 1038.1017926787408}, {0, 900.0, 990.4342180957321},  {1, 910.0, 1089.598748890943},
            {1, 960.0, 1201.6135895353896}, {0, 980.0, 1097.3902603529366},
        };
        auto check = [](const std::vector<OnlineTask>& got, const OnlineTask* expected, size_t count) {
            QCOMPARE(got.size(), count);
            for (size_t i = 0; i < count; ++i) {
                QCOMPARE(got[i].user, expected[i].user);
                QVERIFY2(nearlyEqual(got[i].releaseMs, expected[i].releaseMs, kGeneratorTolerance),
                         qPrintable(pair(got[i].releaseMs, expected[i].releaseMs)));
                QVERIFY2(nearlyEqual(got[i].deadlineMs, expected[i].deadlineMs, kGeneratorTolerance),
                         qPrintable(pair(got[i].deadlineMs, expected[i].deadlineMs)));
            }
        };
        check(makeArrivalTrace(scenario, 5), poisson, std::size(poisson));
        if (QTest::currentTestFailed())
            return;
        scenario.online.bernoulli = true;
        check(makeArrivalTrace(scenario, 5), bernoulli, std::size(bernoulli));
    }
};

QTEST_APPLESS_MAIN(TestRandom)
#include "test_random.moc"

/* The Python reference (python3, no libraries), as run to produce the pinned values:

M64 = (1 << 64) - 1
class SM:  # https://prng.di.unimi.it/splitmix64.c
    def __init__(s, seed): s.x = seed & M64
    def next(s):
        s.x = (s.x + 0x9E3779B97F4A7C15) & M64
        z = s.x
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & M64
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & M64
        return z ^ (z >> 31)
    def uniform(s): return (s.next() >> 11) * 2.0**-53

mix = [("phone", 3.0), ("tablet", 1.0)]; txPower = {"phone": 0.2, "tablet": 0.5}
def shannon(P, h):  # 10 MHz, -174 dBm/Hz
    bw = 10e6; n0 = 10 ** ((-174 - 30) / 10)
    return bw * math.log2(1 + P * h / (n0 * bw)) / 1e6
def gain(d): return 10 ** (-(128.1 + 37.6 * math.log10(d / 1000)) / 10)
def population(seed, count, dl, dist=None, rate=None):
    r = SM(seed); out = []
    def draw(d):
        if isinstance(d, list): return d[min(int(r.uniform() * len(d)), len(d) - 1)]
        return d[0] + (d[1] - d[0]) * r.uniform()
    for i in range(count):
        pick = r.uniform() * 4.0; c = 0
        while c + 1 < len(mix) and pick >= mix[c][1]: pick -= mix[c][1]; c += 1
        deadline = draw(dl)
        up = shannon(txPower[mix[c][0]], gain(draw(dist))) if dist else draw(rate)
        out.append((mix[c][0], deadline, up))
    return out
population(2024, 6, (100.0, 300.0), dist=(50.0, 500.0)); population(7, 6, [80.0, 120.0, 160.0], rate=(5.0, 25.0))

def trace(seed, users, rateDefault, horizon, slot, jitter, bernoulli):
    out = []
    for m, (dl, rate) in enumerate(users):
        rate = rate if rate > 0 else rateDefault
        r = SM((seed * 0x9E3779B97F4A7C15 + m * 7919 + 1) & M64)
        def deadline(t): return t + dl * (1.0 + jitter * (2.0 * r.uniform() - 1.0))
        if bernoulli:
            p = rate * slot / 1000.0; t = 0.0
            while t < horizon:
                if r.uniform() < p: out.append((m, t, deadline(t)))
                t += slot
        else:
            t = -math.log(1.0 - r.uniform()) / rate * 1000.0
            while t < horizon:
                out.append((m, t, deadline(t)))
                t += -math.log(1.0 - r.uniform()) / rate * 1000.0
    out.sort(key=lambda x: x[1])  # stable, as std::stable_sort
    return out
trace(5, [(100.0, 0.0), (200.0, 8.0)], 5.0, 1000.0, 10.0, 0.25, False)  # and True for Bernoulli
*/
