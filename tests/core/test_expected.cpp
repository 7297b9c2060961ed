// The value-or-error type (core/util/expected.h) against the interface of C++23's std::expected
// (cppreference, [expected.object.monadic] and [expected.void]): what each member returns on a
// value and on an error, and which functions are not called.
#include "core/util/expected.h"

#include <QTest>

#include <memory>
#include <string>

using namespace coinfer;

namespace {

Expected<int> parsePositive(const std::string& text)
{
    if (text.empty() || text.find_first_not_of("0123456789") != std::string::npos)
        return Unexpected(Error{ErrorCode::BadInput, "'" + text + "' is not a positive integer"});
    return std::stoi(text);
}

Expected<void> succeed()
{
    return {};
}
Expected<void> fail(const std::string& message)
{
    return Unexpected(Error{ErrorCode::Io, message});
}

} // namespace

class TestExpected : public QObject {
    Q_OBJECT

private slots:
    void valueAndError()
    {
        const Expected<int> good = parsePositive("42");
        QVERIFY(good.has_value());
        QVERIFY(static_cast<bool>(good));
        QCOMPARE(good.value(), 42);
        QCOMPARE(*good, 42);
        QCOMPARE(good.value_or(7), 42);

        const Expected<int> bad = parsePositive("4x");
        QVERIFY(!bad.has_value());
        QVERIFY(!static_cast<bool>(bad));
        QCOMPARE(int(bad.error().code), int(ErrorCode::BadInput));
        QCOMPARE(bad.error().message, std::string("'4x' is not a positive integer"));
        QCOMPARE(bad.value_or(7), 7);

        Expected<std::string> text = std::string("abc");
        text->append("d");
        QCOMPARE(text.value(), std::string("abcd"));
        QCOMPARE(std::move(text).value(), std::string("abcd"));

        // Default construction value-initialises, as std::expected does.
        const Expected<int> zero;
        QVERIFY(zero.has_value());
        QCOMPARE(*zero, 0);
    }

    void valueOnAnErrorThrowsTheMessage()
    {
        const Expected<int> bad = parsePositive("");
        bool thrown = false;
        try {
            (void)bad.value();
        } catch (const BadExpectedAccess& error) {
            thrown = true;
            QCOMPARE(std::string(error.what()), std::string("'' is not a positive integer"));
            QCOMPARE(int(error.error().code), int(ErrorCode::BadInput));
        }
        QVERIFY(thrown);
        // Also as a std::exception, and for the rvalue overload and operator*.
        thrown = false;
        try {
            (void)parsePositive("-1").value();
        } catch (const std::exception& error) {
            thrown = true;
            QCOMPARE(std::string(error.what()), std::string("'-1' is not a positive integer"));
        }
        QVERIFY(thrown);
        QVERIFY_THROWS_EXCEPTION(BadExpectedAccess, (void)*parsePositive("x"));

        const Expected<void> voidBad = fail("disk full");
        thrown = false;
        try {
            voidBad.value();
        } catch (const BadExpectedAccess& error) {
            thrown = true;
            QCOMPARE(std::string(error.what()), std::string("disk full"));
            QCOMPARE(int(error.error().code), int(ErrorCode::Io));
        }
        QVERIFY(thrown);
        succeed().value(); // no throw
    }

    void andThenChainsAndShortCircuits()
    {
        int calls = 0;
        auto half = [&](int x) -> Expected<int> {
            ++calls;
            if (x % 2 != 0)
                return Unexpected(Error{ErrorCode::BadInput, std::to_string(x) + " is odd"});
            return x / 2;
        };
        const Expected<int> twice = parsePositive("12").and_then(half).and_then(half);
        QCOMPARE(calls, 2);
        QCOMPARE(*twice, 3);

        calls = 0;
        const Expected<int> third = parsePositive("12").and_then(half).and_then(half).and_then(half);
        QCOMPARE(calls, 3);
        QVERIFY(!third.has_value());
        QCOMPARE(third.error().message, std::string("3 is odd"));

        // The first error passes through untouched and no later function runs.
        calls = 0;
        const Expected<int> early = parsePositive("zz").and_then(half).and_then(half);
        QCOMPARE(calls, 0);
        QCOMPARE(early.error().message, std::string("'zz' is not a positive integer"));

        // A different value type on the way.
        const Expected<std::string> text =
            parsePositive("5").and_then([](int x) -> Expected<std::string> { return std::string(x, '*'); });
        QCOMPARE(*text, std::string("*****"));

        // Expected<void>: f() -> Expected<U>.
        calls = 0;
        const Expected<int> fromVoid = succeed().and_then([&]() -> Expected<int> {
            ++calls;
            return 9;
        });
        QCOMPARE(calls, 1);
        QCOMPARE(*fromVoid, 9);
        const Expected<int> skipped = fail("no").and_then([&]() -> Expected<int> {
            ++calls;
            return 9;
        });
        QCOMPARE(calls, 1);
        QCOMPARE(skipped.error().message, std::string("no"));
        QCOMPARE(int(skipped.error().code), int(ErrorCode::Io));
    }

    void transformMapsValuesOnly()
    {
        int calls = 0;
        const Expected<double> scaled = parsePositive("8").transform([&](int x) {
            ++calls;
            return x * 0.5;
        });
        QCOMPARE(calls, 1);
        QCOMPARE(*scaled, 4.0);
        const Expected<double> notScaled = parsePositive("?").transform([&](int x) {
            ++calls;
            return x * 0.5;
        });
        QCOMPARE(calls, 1);
        QCOMPARE(notScaled.error().message, std::string("'?' is not a positive integer"));

        // To void: the function runs for its effect, the result is Expected<void>.
        int seen = 0;
        const Expected<void> done = parsePositive("6").transform([&](int x) { seen = x; });
        static_assert(std::is_same_v<std::remove_cv_t<decltype(done)>, Expected<void>>);
        QVERIFY(done.has_value());
        QCOMPARE(seen, 6);
        const Expected<void> notDone = parsePositive("").transform([&](int x) { seen = -x; });
        QVERIFY(!notDone.has_value());
        QCOMPARE(seen, 6);
        QCOMPARE(notDone.error().message, std::string("'' is not a positive integer"));

        // Expected<void>::transform: f() -> U.
        const Expected<int> counted = succeed().transform([&] { return ++calls; });
        QCOMPARE(*counted, 2);
        const Expected<int> uncounted = fail("stop").transform([&] { return ++calls; });
        QCOMPARE(calls, 2);
        QCOMPARE(uncounted.error().message, std::string("stop"));
        const Expected<void> voidToVoid = succeed().transform([&] { ++calls; });
        QVERIFY(voidToVoid.has_value());
        QCOMPARE(calls, 3);
    }

    void aTemporaryHandsItsValueOnByMove()
    {
        // On a temporary, and_then and transform move the value into f: a move-only value
        // passes along, and a file's text is not copied on its way to the parser.
        using Owned = std::unique_ptr<int>;
        const auto owned = [](int x) -> Expected<Owned> { return std::make_unique<int>(x); };
        const Expected<int> doubled = owned(21).and_then([](Owned p) -> Expected<int> { return *p * 2; });
        QCOMPARE(*doubled, 42);
        const Expected<Owned> kept = owned(7).transform([](Owned p) { return p; });
        QCOMPARE(**kept, 7);
        const Expected<int> skipped =
            Expected<Owned>(Unexpected(Error{ErrorCode::Io, "gone"})).transform([](Owned p) { return *p; });
        QVERIFY(!skipped);
        QCOMPARE(skipped.error().message, std::string("gone"));
        QCOMPARE(skipped.error().code, ErrorCode::Io);
    }

    void orElseRecoversErrorsOnly()
    {
        int calls = 0;
        auto fallback = [&](const Error& error) -> Expected<int> {
            ++calls;
            return static_cast<int>(error.message.size());
        };
        QCOMPARE(*parsePositive("3").or_else(fallback), 3);
        QCOMPARE(calls, 0);
        // "'ab' is not a positive integer" has 30 characters.
        QCOMPARE(*parsePositive("ab").or_else(fallback), 30);
        QCOMPARE(calls, 1);
        // or_else may also replace the error.
        const Expected<int> replaced = parsePositive("ab").or_else([](const Error&) -> Expected<int> {
            return Unexpected(Error{ErrorCode::TooLarge, "replaced"});
        });
        QCOMPARE(replaced.error().message, std::string("replaced"));
        QCOMPARE(int(replaced.error().code), int(ErrorCode::TooLarge));

        // Expected<void>.
        std::string seen;
        const Expected<void> recovered = fail("x").or_else([&](const Error& error) -> Expected<void> {
            ++calls;
            seen = error.message;
            return {};
        });
        QVERIFY(recovered.has_value());
        QCOMPARE(seen, std::string("x"));
        QCOMPARE(calls, 2);
        QVERIFY(succeed()
                    .or_else([&](const Error&) -> Expected<void> {
                        ++calls;
                        return fail("y");
                    })
                    .has_value());
        QCOMPARE(calls, 2);
    }

    void transformErrorAddsContext()
    {
        int calls = 0;
        auto withFile = [&](const Error& error) {
            ++calls;
            return Error{ErrorCode::Io, "scenario.json: " + error.message};
        };
        const Expected<int> bad = parsePositive("q").transform_error(withFile);
        QCOMPARE(calls, 1);
        QCOMPARE(bad.error().message, std::string("scenario.json: 'q' is not a positive integer"));
        QCOMPARE(int(bad.error().code), int(ErrorCode::Io));
        const Expected<int> good = parsePositive("4").transform_error(withFile);
        QCOMPARE(calls, 1);
        QCOMPARE(*good, 4);
    }

    void voidTransformErrorAddsContext()
    {
        auto withFile = [](const Error& error) { return Error{ErrorCode::Io, "plan.json: " + error.message}; };
        const Expected<void> failed =
            Expected<void>(Unexpected(Error{ErrorCode::BadInput, "disk full"})).transform_error(withFile);
        QVERIFY(!failed.has_value());
        QCOMPARE(failed.error().message, std::string("plan.json: disk full"));
        QCOMPARE(int(failed.error().code), int(ErrorCode::Io));
        QVERIFY(Expected<void>().transform_error(withFile).has_value());
    }
};

QTEST_APPLESS_MAIN(TestExpected)
#include "test_expected.moc"
