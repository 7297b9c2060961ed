#include "widgets/views/mainpage.h"

#include <QtGlobal>

namespace coinfer {

QString mainPageName(MainPage page)
{
    switch (page) {
    case MainPage::Comparison:
        return QStringLiteral("comparison");
    case MainPage::Plan:
        return QStringLiteral("plan");
    case MainPage::Dnn:
        return QStringLiteral("dnn");
    case MainPage::Online:
        return QStringLiteral("online");
    case MainPage::Sweep:
        return QStringLiteral("sweep");
    case MainPage::Count:
        break;
    }
    return {};
}

QStringList mainPageNames()
{
    QStringList names;
    for (int page = 0; page < static_cast<int>(MainPage::Count); ++page)
        names.push_back(mainPageName(static_cast<MainPage>(page)));
    return names;
}

Expected<MainPage> parseMainPage(const QString& name)
{
    const QStringList names = mainPageNames();
    if (const qsizetype index = names.indexOf(name); index >= 0)
        return static_cast<MainPage>(index);
    return Unexpected(Error{ErrorCode::BadInput,
                            QStringLiteral("unknown page \"%1\"; the pages are %2").arg(name, names.join(", ")).toStdString()});
}

} // namespace coinfer
