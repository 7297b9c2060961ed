// coinfer-gui [--screenshot OUT.png] [--page PAGE] [--vary NAME=VALUES] [--at-ms MS] [--select USER] [SCENARIO.json]
#include "core/util/expected.h"
#include "widgets/views/mainpage.h"
#include "widgets/views/mainwindow.h"
#include "widgets/views/screenshotdriver.h"

#include <QApplication>
#include <QByteArray>
#include <QCommandLineOption>
#include <QCommandLineParser>
#include <QObject>
#include <QString>
#include <QStringList>

#include <cstdio>
#include <optional>
#include <utility>

namespace {

using coinfer::Expected;
using coinfer::StartupRequest;

/// coinfer-gui's options, added to one parser.
struct GuiOptions {
    QCommandLineOption screenshot{"screenshot", "Open, plan, save the main window as PNG to <file> and quit.", "file"};
    QCommandLineOption page{"page", "The page to show: comparison (default), plan, dnn, online or sweep.", "page", "comparison"};
    QCommandLineOption vary{"vary", "With --page sweep: run the sweep NAME=VALUES (e.g. users=20:200:20) on opening.",
                            "NAME=VALUES"};
    QCommandLineOption algorithms{"algorithms", "With --vary: the planners (e.g. local,ip-ssa,og,best).", "list"};
    QCommandLineOption repeats{"repeats", "With --vary: the repeats of each value (default 1, as coinfer sweep).", "k", "1"};
    QCommandLineOption seed{"seed", "With --vary: the seed of the repeats' draws (default 1, as coinfer sweep).", "s", "1"};
    QCommandLineOption present{"present", "Open presentation mode at walkthrough step <n> (0 to 3).", "n"};
    QCommandLineOption atMs{"at-ms", "With --page online: run the episode and stop its player at <ms> (default: mid-episode).",
                            "ms"};
    QCommandLineOption select{"select", "With --page plan: select <user> once planned (its lane scrolled into view).", "user"};

    explicit GuiOptions(QCommandLineParser& parser)
    {
        parser.setApplicationDescription("Plan multi-user co-inference with a batching edge GPU.");
        parser.addHelpOption();
        parser.addVersionOption();
        parser.addOptions({screenshot, page, vary, algorithms, repeats, seed, present, atMs, select});
        parser.addPositionalArgument("scenario", "Scenario file to open (default: the built-in classroom example).");
    }
};

Expected<StartupRequest> refuse(const QString& message)
{
    return coinfer::Unexpected(coinfer::Error{coinfer::ErrorCode::BadInput, message.toStdString()});
}

/// The online page's --at-ms and the sweep's --vary, --algorithms, --repeats and --seed, checked
/// against the page and their ranges, into @p request.
Expected<StartupRequest> readPageOptions(const QCommandLineParser& parser, const GuiOptions& options, StartupRequest request)
{
    if (parser.isSet(options.atMs)) {
        bool ok = false;
        const double atMs = parser.value(options.atMs).toDouble(&ok);
        if (request.page != coinfer::MainPage::Online || !ok || atMs < 0)
            return refuse(
                QString("--at-ms needs --page online and a time of at least 0 ms, not \"%1\"").arg(parser.value(options.atMs)));
        request.atMs = atMs;
    }
    for (const QCommandLineOption* option : {&options.vary, &options.algorithms, &options.repeats, &options.seed})
        if (parser.isSet(*option) && request.page != coinfer::MainPage::Sweep)
            return refuse(QString("--%1 needs --page sweep").arg(option->names().front()));
    bool repeatsOk = false, seedOk = false;
    request.sweepRepeats = parser.value(options.repeats).toInt(&repeatsOk);
    request.sweepSeed = parser.value(options.seed).toInt(&seedOk);
    if (!repeatsOk || request.sweepRepeats < 1 || request.sweepRepeats > 1000)
        return refuse(QString("--repeats must be a whole number from 1 to 1000, not \"%1\"").arg(parser.value(options.repeats)));
    if (!seedOk || request.sweepSeed < 1)
        return refuse(QString("--seed must be a positive whole number, not \"%1\"").arg(parser.value(options.seed)));
    if (parser.isSet(options.vary))
        request.sweep = parser.value(options.vary);
    request.sweepAlgorithms = parser.value(options.algorithms);
    if (parser.isSet(options.select) && request.page != coinfer::MainPage::Plan)
        return refuse("--select needs --page plan");
    request.selectUser = parser.value(options.select);
    return request;
}

/// The whole command line as a StartupRequest, or the message that refuses it.
Expected<StartupRequest> readRequest(const QCommandLineParser& parser, const GuiOptions& options)
{
    const Expected<coinfer::MainPage> page = coinfer::parseMainPage(parser.value(options.page));
    if (!page)
        return refuse(QString::fromStdString(page.error().message));
    StartupRequest request;
    request.page = *page;
    request.screenshotPath = parser.value(options.screenshot);
    if (parser.isSet(options.present))
        request.presentationStep = parser.value(options.present).toInt();
    return readPageOptions(parser, options, std::move(request));
}

int fail(const QString& message)
{
    std::fprintf(stderr, "coinfer-gui: %s\n", qPrintable(message));
    return 2;
}

} // namespace

int main(int argc, char** argv)
{
    QApplication app(argc, argv);
    QApplication::setOrganizationName("Coinfer");
    QApplication::setApplicationName("coinfer-gui");
    QApplication::setApplicationVersion(COINFER_VERSION);
    QCommandLineParser parser;
    const GuiOptions options(parser);
    parser.process(app);
    const Expected<StartupRequest> request = readRequest(parser, options);
    if (!request)
        return fail(QString::fromStdString(request.error().message));

    coinfer::MainWindow window;
    const QStringList files = parser.positionalArguments();
    const bool shoot = !request->screenshotPath.isEmpty();
    if (files.isEmpty()) {
        window.openBuiltInExample();
    } else if (const coinfer::Expected<void> opened = window.openFile(files.front(), shoot); !opened) {
        if (shoot) // the CLI's words: the file, the field's path and the problem
            return fail(QString::fromStdString(opened.error().message));
        window.openBuiltInExample();
    }
    coinfer::ScreenshotDriver driver(&window, *request);
    QObject::connect(&driver, &coinfer::ScreenshotDriver::finished, &app, &QApplication::exit);
    if (const coinfer::Expected<void> started = driver.start(); !started)
        return fail(QString::fromStdString(started.error().message));
    return app.exec();
}
