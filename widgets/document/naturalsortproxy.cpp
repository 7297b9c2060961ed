#include "widgets/document/naturalsortproxy.h"

namespace coinfer {

namespace {

/// -1, 0 or 1 as the digit runs a[i, endA) and b[j, endB) compare by value.
int compareDigitRuns(const QString& a, qsizetype i, qsizetype endA, const QString& b, qsizetype j, qsizetype endB)
{
    while (i < endA - 1 && a[i] == u'0')
        ++i;
    while (j < endB - 1 && b[j] == u'0')
        ++j;
    if (endA - i != endB - j)
        return endA - i < endB - j ? -1 : 1;
    for (; i < endA; ++i, ++j)
        if (a[i] != b[j])
            return a[i] < b[j] ? -1 : 1;
    return 0;
}

qsizetype digitRunEnd(const QString& text, qsizetype from)
{
    while (from < text.size() && text[from].isDigit())
        ++from;
    return from;
}

} // namespace

bool naturalLess(const QString& a, const QString& b)
{
    qsizetype i = 0, j = 0;
    while (i < a.size() && j < b.size()) {
        if (a[i].isDigit() && b[j].isDigit()) {
            const qsizetype endA = digitRunEnd(a, i), endB = digitRunEnd(b, j);
            if (const int order = compareDigitRuns(a, i, endA, b, j, endB); order != 0)
                return order < 0;
            i = endA;
            j = endB;
            continue;
        }
        const QChar x = a[i].toCaseFolded(), y = b[j].toCaseFolded();
        if (x != y)
            return x < y;
        ++i;
        ++j;
    }
    if (a.size() - i != b.size() - j)
        return a.size() - i < b.size() - j;
    return a < b;
}

NaturalSortProxy::NaturalSortProxy(QObject* parent) : QSortFilterProxyModel(parent)
{
}

bool NaturalSortProxy::lessThan(const QModelIndex& left, const QModelIndex& right) const
{
    const QVariant a = left.data(sortRole());
    const QVariant b = right.data(sortRole());
    if (a.typeId() == QMetaType::QString && b.typeId() == QMetaType::QString)
        return naturalLess(a.toString(), b.toString());
    return QSortFilterProxyModel::lessThan(left, right);
}

} // namespace coinfer

#include "moc_naturalsortproxy.cpp"

#include <QChar>
#include <QMetaType>
#include <QVariant>
#include <QtGlobal>
