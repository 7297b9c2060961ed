#pragma once
// The users table's sorting: text in natural order, so phone-2 comes before phone-10.

#include <QModelIndex>
#include <QObject>
#include <QSortFilterProxyModel>
#include <QString>

namespace coinfer {

/// Whether @p a comes before @p b in natural order: runs of digits compare by their value
/// (leading zeros aside), other characters case-insensitively, so "phone-9" < "phone-10".
/// Ties (e.g. "phone-01" and "phone-1") fall back to plain comparison, so the order is total.
/// O(length of the shorter text). Written here because QCollator's numeric mode needs ICU,
/// which Qt's POSIX collation backend lacks.
bool naturalLess(const QString& a, const QString& b);

/// A sort proxy that orders text columns naturally (digit runs by their value: phone-1, phone-2,
/// phone-10, phone-100) and everything else as QSortFilterProxyModel does. Sorting n rows costs
/// O(n log n) comparisons, each linear in the lengths of the two texts.
class NaturalSortProxy : public QSortFilterProxyModel {
    Q_OBJECT

public:
    explicit NaturalSortProxy(QObject* parent = nullptr);

protected:
    bool lessThan(const QModelIndex& left, const QModelIndex& right) const override;
};

} // namespace coinfer
