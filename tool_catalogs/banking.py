"""Banking: accounts, transfers, bill payments, transactions, exchange rates, spending limits.

Bills arrive from elsewhere: the state holds a few unpaid bills (utilities, insurance ...),
and ``pay_bill`` also pays invoices the bank has never seen, such as the travel toolkit's
invoice (its ``invoice_id``, ``payee``, ``amount`` and ``currency`` feed the parameters of the
same names). Amounts are in the account's currency unless a currency is given; conversions use
the state's exchange rates (units per US dollar).
"""

import math
import random
from typing import Any, Literal, TypedDict

from magnet_graph.toolkit import Toolkit, World, draw_world

from ._data_b import (
    ACCOUNT_KINDS, INCOME, PAYEES, SPENDING, USD_RATES, Currency, day_ordinal, fmt,
)
from ._util import drawer, iso_day, round2, round_to, sample

__all__ = ["Banking"]


_OTHER_CURRENCIES = ("GBP", "CAD")
_LIMITS = (300.0, 500.0, 1000.0, 2000.0)  # float() of the daily spending limits drawn


def _round(amount: float, currency: str) -> float:
    return round_to(amount + 0.0, 0 if currency == "JPY" else 2)


# -- outputs --------------------------------------------------------------------------------

class AccountSummary(TypedDict):
    account_id: str
    name: str
    type: str
    balance: float
    currency: str


class AccountList(TypedDict):
    holder: str
    accounts: list[AccountSummary]


class Balance(TypedDict):
    account_id: str
    name: str
    balance: float
    currency: str


class Transaction(TypedDict):
    transaction_id: str
    account_id: str
    date: str
    description: str
    counterparty: str
    direction: str
    amount: float
    currency: str
    balance_after: float


class TransactionList(TypedDict):
    account_id: str
    transactions: list[Transaction]


class TransferResult(TypedDict):
    transaction_id: str
    from_account_id: str
    to_account_id: str
    amount: float
    currency: str
    credited_amount: float
    to_currency: str
    from_balance: float
    to_balance: float


class BillPayment(TypedDict):
    transaction_id: str
    account_id: str
    payee: str
    invoice_id: str
    amount: float
    currency: str
    debited_amount: float
    account_currency: str
    balance: float
    status: str


class Bill(TypedDict):
    invoice_id: str
    payee: str
    amount: float
    currency: str
    due_date: str
    status: str


class BillList(TypedDict):
    bills: list[Bill]


class ExchangeRate(TypedDict):
    from_currency: str
    to_currency: str
    rate: float


class Conversion(TypedDict):
    amount: float
    from_currency: str
    to_currency: str
    rate: float
    converted_amount: float


class SpendingLimit(TypedDict):
    account_id: str
    spending_limit: float
    currency: str
    spent_today: float
    remaining_today: float


# -- the toolkit ------------------------------------------------------------------------------

class Banking(Toolkit):
    """A personal bank: accounts in several currencies, transfers, bills, rates and limits."""

    toolkit_name = "Banking"
    fresh_state = True  # generate_state builds new plain JSON data (see Toolkit.fresh_state)
    description = ("Check balances and transactions, transfer money, pay bills, convert currencies and set "
                   "spending limits.")
    hints = {
        "list_accounts": (
            "What accounts do I have and how much is in each?",
            "Give me an overview of my bank accounts.",
            "Show me all my accounts with their balances.",
        ),
        "get_balance": (
            "What's the balance on account {account_id}?",
            "How much money is left in {account_id}?",
            "Check how much I have in {account_id}.",
        ),
        "transfer": (
            "Move {amount} from {from_account_id} to {to_account_id}.",
            "Transfer {amount} from account {from_account_id} into {to_account_id}.",
            "Please send {amount} from {from_account_id} over to {to_account_id} with the note '{note}'.",
            "I want to shift {amount} out of {from_account_id} into {to_account_id}.",
        ),
        "pay_bill": (
            "Pay {payee} {amount} {currency} for invoice {invoice_id} from account {account_id}.",
            "Settle invoice {invoice_id} from {payee}: {amount} {currency}, out of {account_id}.",
            "Use {account_id} to pay the {amount} {currency} I owe {payee} (invoice {invoice_id}).",
        ),
        "list_bills": (
            "Which bills do I still have to pay?",
            "Show me my {status} bills.",
            "Do I have any outstanding invoices?",
        ),
        "list_transactions": (
            "Show me the last {limit} transactions on {account_id}.",
            "What came in and went out of {account_id} recently?",
            "List recent activity on account {account_id}.",
        ),
        "get_transaction": (
            "Give me the details of transaction {transaction_id}.",
            "What was {transaction_id} exactly?",
            "Look up the payment with reference {transaction_id}.",
        ),
        "get_exchange_rate": (
            "What's the exchange rate from {from_currency} to {to_currency}?",
            "How many {to_currency} do I get for one {from_currency} today?",
            "Tell me the current {from_currency}/{to_currency} rate.",
        ),
        "convert_currency": (
            "How much is {amount} {from_currency} in {to_currency}?",
            "Convert {amount} {from_currency} to {to_currency}.",
            "What would {amount} {from_currency} come to in {to_currency}?",
        ),
        "set_spending_limit": (
            "Set a daily spending limit of {limit} on {account_id}.",
            "Cap what can leave {account_id} each day at {limit}.",
            "Change the daily limit on account {account_id} to {limit}.",
        ),
    }

    # -- state ----------------------------------------------------------------------------
    @classmethod
    def default_state(cls) -> dict[str, Any]:
        """Checking, savings and a euro account; two unpaid bills; a short history."""
        accounts = {
            "ACC-1021": _account("ACC-1021", "Everyday Checking", "checking", 2450.75, "USD"),
            "ACC-3307": _account("ACC-3307", "High-Yield Savings", "savings", 12800.0, "USD"),
            "ACC-5590": _account("ACC-5590", "Euro Account", "checking", 830.4, "EUR"),
        }
        history = [
            ("ACC-1021", "2025-05-28", "Payroll - Acme Robotics", 3200.0),
            ("ACC-1021", "2025-05-30", "FreshMart Groceries", -86.42),
            ("ACC-5590", "2025-05-31", "Bean There Coffee", -4.6),
            ("ACC-1021", "2025-06-01", "Northwind Energy", -112.3),
        ]
        state = {
            "holder": "Maya Chen",
            "today": "2025-06-02",
            "accounts": accounts,
            "transactions": {},
            "bills": {
                "INV-58213": {"invoice_id": "INV-58213", "payee": "City Water Utility", "amount": 64.18,
                              "currency": "USD", "due_date": "2025-06-15", "status": "unpaid", "transaction_id": ""},
                "INV-77105": {"invoice_id": "INV-77105", "payee": "Metro Fiber Internet", "amount": 59.99,
                              "currency": "USD", "due_date": "2025-06-20", "status": "unpaid", "transaction_id": ""},
            },
            "rates": dict(USD_RATES),
            "next_transaction": 1,
        }
        _add_history(state, history)
        return state

    @classmethod
    def generate_state(cls, rng: random.Random, world: World | None = None) -> dict[str, Any]:
        """The world's user's bank on the world's today: 2-4 accounts with varied balances and
        currencies, a few weeks of history, 1-3 bills (the world is drawn from ``rng`` when
        none is given)."""
        if world is None:
            world = draw_world(rng)
        below = drawer(rng)  # seq[below(len(seq))] is rng.choice(seq), a + below(b - a) rng.randrange(a, b)
        random_ = rng.random  # lo + (hi - lo) * random_() is rng.uniform(lo, hi)
        today = world.today
        day0 = day_ordinal(today)  # add_days(today, n) is iso_day(day0 + n)
        accounts: dict[str, dict[str, Any]] = {}
        kinds = list(ACCOUNT_KINDS[1:])
        rng.shuffle(kinds)
        kinds.insert(0, ACCOUNT_KINDS[0])  # everyone has an everyday checking account
        for i in range(2 + below(3)):
            kind, name = kinds[i]
            other = _OTHER_CURRENCIES[below(2)]
            currency = "EUR" if name == "Euro Account" else ("USD" if random_() < 0.8 else other)
            balance = round2(40 + 860 * random_() if random_() < 0.25 else 900 + 24100 * random_())
            aid = f"ACC-{1000 + below(9000)}"
            while aid in accounts:
                aid = f"ACC-{1000 + below(9000)}"
            accounts[aid] = _account(aid, name, kind, balance, currency)
            if random_() < 0.25:
                accounts[aid]["spending_limit"] = _LIMITS[below(4)]
        history = []
        for aid, acc in accounts.items():
            opening = acc["balance"]  # the balance before the generated history; never negative
            for _ in range(2 + below(3)):
                income = random_() < 0.3
                pool = INCOME if income else SPENDING
                desc, lo, hi = pool[below(len(pool))]
                amount = round2(lo + (hi - lo) * random_()) * (1 if income else -1)
                if opening - amount < 0:
                    continue
                opening -= amount
                history.append((aid, iso_day(day0 - (1 + below(30))), desc, amount))
        history.sort(key=lambda h: h[1])
        bills = {}
        for payee in sample(rng, PAYEES, 1 + below(3)):
            inv = f"INV-{10000 + below(90000)}"
            bills[inv] = {"invoice_id": inv, "payee": payee, "amount": round2(25 + 395 * random_()),
                          "currency": "USD", "due_date": iso_day(day0 + 3 + below(23)), "status": "unpaid",
                          "transaction_id": ""}
        rates = {c: (r if c == "USD" else round_to(r * (0.97 + (1.03 - 0.97) * random_()), 4))
                 for c, r in USD_RATES.items()}
        state = {"holder": world.name, "today": today, "accounts": accounts, "transactions": {}, "bills": bills,
                 "rates": rates, "next_transaction": 1}
        _add_history(state, history)
        return state

    # candidates() lists every value these can succeed with now (see Banking.candidates)
    exact_candidates = {"pay_bill": ("account_id", "payee", "amount", "invoice_id", "currency")}

    def candidates(self, tool: str, param: str) -> list[Any]:
        """Existing account, transaction and invoice ids, and amounts that make sense in this state.

        ``pay_bill`` is offered one bill (the first unpaid one, else a new invoice), in full,
        and the accounts that can pay it today: every value of those parameters that can
        succeed, as ``exact_candidates`` says.
        """
        d = self.data
        if tool == "pay_bill" and param in ("account_id", "payee", "amount", "invoice_id", "currency"):
            return self._bill_candidates(param)
        if param == "account_id":
            return list(d["accounts"])
        if param == "from_account_id" or param == "to_account_id":
            # money usually leaves the richest account and goes to one of the others
            rates = d["rates"]
            source = max(d["accounts"].values(), key=lambda acc: acc["balance"] / rates[acc["currency"]])
            if param == "from_account_id":
                return [source["account_id"]]
            return [a for a in d["accounts"] if a != source["account_id"]]
        if param == "transaction_id":
            return list(d["transactions"])
        if param == "amount":
            if tool == "transfer":  # what the usual source account may still spend today
                rates = d["rates"]
                source = max(d["accounts"].values(), key=lambda acc: acc["balance"] / rates[acc["currency"]])
                room = self._room(source)
                return [a for a in (25.0, 50.0, 100.0, 250.0) if a <= room] or [25.0]
            return [25.0, 50.0, 100.0, 250.0]
        if param == "limit":
            return [3, 5, 10] if tool == "list_transactions" else [250.0, 500.0, 1000.0, 2500.0]
        if param in ("from_currency", "to_currency"):
            return sorted({a["currency"] for a in d["accounts"].values()} | {"EUR", "GBP", "JPY"})
        if param == "status":
            return ["unpaid", "paid"]
        if param == "note":
            return ["rent share", "savings top-up", "vacation fund", "paying back lunch"]
        return super().candidates(tool, param)

    # -- internals --------------------------------------------------------------------------
    def _account(self, account_id: str, field: str = "account_id") -> dict[str, Any] | str:
        acc = self.data["accounts"].get(account_id)
        if acc is None:
            known = ", ".join(self.data["accounts"])
            return f"Unknown {field} '{account_id}': your accounts are {known}."
        return acc

    def _rate(self, from_currency: str, to_currency: str) -> float | str:
        rates = self.data["rates"]
        for c in (from_currency, to_currency):
            if c not in rates:
                return f"Unsupported currency '{c}': use one of {', '.join(rates)}."
        return round(rates[to_currency] / rates[from_currency], 6)

    def _room(self, acc: dict[str, Any]) -> float:
        """What ``acc`` can still pay today: its balance, within the daily spending limit."""
        limit = acc["spending_limit"]
        return acc["balance"] if limit is None else min(acc["balance"], limit - acc["spent_today"])

    def _bill_candidates(self, param: str) -> list[Any]:
        """pay_bill's values: the first unpaid bill (else a new invoice of a usual payee) and
        the accounts that can pay it today."""
        d = self.data
        bill = next((b for b in d["bills"].values() if b["status"] == "unpaid"), None)
        if bill is None:  # an invoice the bank has not seen: any usual payee and amount
            if param == "invoice_id":
                k = 70000 + 131 * len(d["bills"])
                while f"INV-{k}" in d["bills"]:
                    k += 1
                return [f"INV-{k}"]
            if param in ("payee", "amount", "currency"):
                return {"payee": list(PAYEES[:3]), "amount": [25.0, 50.0, 100.0], "currency": ["USD"]}[param]
            amount, currency = 100.0, "USD"
        else:
            if param != "account_id":
                return [bill[param]]
            amount, currency = bill["amount"], bill["currency"]
        rates = d["rates"]
        return [a for a, acc in d["accounts"].items()
                if currency in rates and amount * rates[acc["currency"]] / rates[currency] <= self._room(acc) - 1]

    def _debit_check(self, acc: dict[str, Any], amount: float, what: str) -> str | None:
        cur = acc["currency"]
        if amount > acc["balance"]:
            return (f"Insufficient funds: account {acc['account_id']} has {fmt(acc['balance'], cur)}, "
                    f"{what} needs {fmt(amount, cur)}.")
        limit = acc["spending_limit"]
        if limit is not None and acc["spent_today"] + amount > limit:
            return (f"Daily spending limit reached: {acc['account_id']} allows {fmt(limit, cur)} a day and "
                    f"{fmt(acc['spent_today'], cur)} is already spent; {what} needs {fmt(amount, cur)}. "
                    "Raise the limit or use a smaller amount.")
        return None

    def _post(self, acc: dict[str, Any], amount: float, description: str, counterparty: str) -> str:
        """Book ``amount`` (signed, account currency) on ``acc``; return the transaction id."""
        acc["balance"] = _round(acc["balance"] + amount, acc["currency"])
        if amount < 0:
            acc["spent_today"] = _round(acc["spent_today"] - amount, acc["currency"])
        return _record(self.data, acc["account_id"], self.data["today"], description, counterparty, amount)

    # -- tools ------------------------------------------------------------------------------
    def list_accounts(self) -> AccountList:
        """List the customer's bank accounts with their balances.

        Returns:
            The account holder and each account's account_id, name, type, balance and currency.
        """
        accounts: list[AccountSummary] = [
            {"account_id": a["account_id"], "name": a["name"], "type": a["type"], "balance": a["balance"],
             "currency": a["currency"]} for a in self.data["accounts"].values()]
        return {"holder": self.data["holder"], "accounts": accounts}

    def get_balance(self, account_id: str) -> Balance:
        """Get the current balance of one account.

        Args:
            account_id: Account id, e.g. "ACC-1021" (see the list of accounts).

        Returns:
            The account's balance and currency.
        """
        acc = self._account(account_id)
        if isinstance(acc, str):
            return {"error": acc}
        return {"account_id": account_id, "name": acc["name"], "balance": acc["balance"], "currency": acc["currency"]}

    def transfer(self, from_account_id: str, to_account_id: str, amount: float, note: str = "") -> TransferResult:
        """Move money between two of the customer's accounts, converting currency if they differ.

        Args:
            from_account_id: Account to take the money from.
            to_account_id: Account to put the money into.
            amount: Amount to move, in the currency of the source account.
            note: Optional note shown on both statements.

        Returns:
            The transaction_id, the amount credited on the other side and both new balances.
        """
        src = self._account(from_account_id, "from_account_id")
        if isinstance(src, str):
            return {"error": src}
        dst = self._account(to_account_id, "to_account_id")
        if isinstance(dst, str):
            return {"error": dst}
        if from_account_id == to_account_id:
            return {"error": "from_account_id and to_account_id are the same account: choose two different accounts."}
        bad = _amount_error(amount)
        if bad:
            return {"error": bad}
        amount = _round(amount, src["currency"])
        refused = self._debit_check(src, amount, "this transfer")
        if refused:
            return {"error": refused}
        rate = self._rate(src["currency"], dst["currency"])
        credited = _round(amount * rate, dst["currency"])
        label = f"Transfer to {dst['name']}" + (f": {note}" if note else "")
        tx = self._post(src, -amount, label, to_account_id)
        self._post(dst, credited, f"Transfer from {src['name']}" + (f": {note}" if note else ""), from_account_id)
        return {"transaction_id": tx, "from_account_id": from_account_id, "to_account_id": to_account_id,
                "amount": amount, "currency": src["currency"], "credited_amount": credited,
                "to_currency": dst["currency"], "from_balance": src["balance"], "to_balance": dst["balance"]}

    def pay_bill(self, account_id: str, payee: str, amount: float, invoice_id: str,
                 currency: Currency = "USD") -> BillPayment:
        """Pay a bill or invoice to a payee from an account; each invoice can be paid once.

        Args:
            account_id: Account to pay from.
            payee: Who is paid, as named on the bill or invoice.
            amount: Amount due on the invoice.
            invoice_id: Invoice or bill reference number, e.g. "INV-58213".
            currency: Currency of the amount; converted to the account's currency at today's rate.

        Returns:
            The transaction_id, the amount debited from the account and its new balance.
        """
        acc = self._account(account_id)
        if isinstance(acc, str):
            return {"error": acc}
        bad = _amount_error(amount)
        if bad:
            return {"error": bad}
        if not str(payee).strip() or not str(invoice_id).strip():
            return {"error": "payee and invoice_id must not be empty: copy them from the bill or invoice."}
        bill = self.data["bills"].get(invoice_id)
        if bill is not None:
            if bill["status"] == "paid":
                return {"error": f"Invoice {invoice_id} is already paid (transaction {bill['transaction_id']})."}
            if bill["payee"].lower() != str(payee).strip().lower():
                return {"error": f"Invoice {invoice_id} is from {bill['payee']}, not {payee}: check the payee."}
            if (bill["currency"], bill["amount"]) != (currency, _round(amount, currency)):
                return {"error": f"Invoice {invoice_id} is for {fmt(bill['amount'], bill['currency'])}, "
                                 f"not {fmt(amount, currency)}: pay the exact amount due."}
        rate = self._rate(currency, acc["currency"])
        if isinstance(rate, str):
            return {"error": rate}
        amount = _round(amount, currency)
        debited = _round(amount * rate, acc["currency"])
        refused = self._debit_check(acc, debited, "this payment")
        if refused:
            return {"error": refused}
        tx = self._post(acc, -debited, f"Bill payment {invoice_id}", payee)
        if bill is None:
            bill = {"invoice_id": invoice_id, "payee": payee, "amount": amount, "currency": currency,
                    "due_date": self.data["today"], "status": "unpaid", "transaction_id": ""}
            self.data["bills"][invoice_id] = bill
        bill["status"], bill["transaction_id"] = "paid", tx
        return {"transaction_id": tx, "account_id": account_id, "payee": payee, "invoice_id": invoice_id,
                "amount": amount, "currency": currency, "debited_amount": debited,
                "account_currency": acc["currency"], "balance": acc["balance"], "status": "paid"}

    def list_bills(self, status: Literal["unpaid", "paid", "all"] = "unpaid") -> BillList:
        """List the bills the bank knows about (unpaid ones by default).

        Args:
            status: Which bills to list: "unpaid", "paid" or "all".

        Returns:
            Each bill's invoice_id, payee, amount, currency, due date and status.
        """
        bills: list[Bill] = [
            {k: b[k] for k in ("invoice_id", "payee", "amount", "currency", "due_date", "status")}
            for b in self.data["bills"].values() if status == "all" or b["status"] == status]
        return {"bills": bills}

    def list_transactions(self, account_id: str, limit: int = 5) -> TransactionList:
        """List the most recent transactions of an account, newest first.

        Args:
            account_id: Account whose transactions to list.
            limit: How many transactions to return (1-50).

        Returns:
            The transactions, each with its transaction_id, date, description, direction and amount.
        """
        acc = self._account(account_id)
        if isinstance(acc, str):
            return {"error": acc}
        if not isinstance(limit, int) or isinstance(limit, bool) or not 1 <= limit <= 50:
            return {"error": f"Invalid limit {limit!r}: give a whole number from 1 to 50."}
        txs = [t for t in reversed(self.data["transactions"].values()) if t["account_id"] == account_id]
        return {"account_id": account_id, "transactions": [dict(t) for t in txs[:limit]]}

    def get_transaction(self, transaction_id: str) -> Transaction:
        """Get one transaction by its id.

        Args:
            transaction_id: Transaction id, e.g. "TX-0007".

        Returns:
            The transaction's account, date, description, counterparty, direction, amount and balance after it.
        """
        tx = self.data["transactions"].get(transaction_id)
        if tx is None:
            return {"error": f"Unknown transaction_id '{transaction_id}': list the account's transactions to find it."}
        return dict(tx)

    def get_exchange_rate(self, from_currency: Currency, to_currency: Currency) -> ExchangeRate:
        """Get today's exchange rate between two currencies.

        Args:
            from_currency: Currency to convert from (ISO code).
            to_currency: Currency to convert to (ISO code).

        Returns:
            How many units of to_currency one unit of from_currency buys.
        """
        rate = self._rate(from_currency, to_currency)
        if isinstance(rate, str):
            return {"error": rate}
        return {"from_currency": from_currency, "to_currency": to_currency, "rate": rate}

    def convert_currency(self, amount: float, from_currency: Currency, to_currency: Currency) -> Conversion:
        """Convert an amount between currencies at today's rate (no money moves).

        Args:
            amount: Amount to convert.
            from_currency: Currency of the amount (ISO code).
            to_currency: Currency to convert to (ISO code).

        Returns:
            The converted_amount and the rate used.
        """
        bad = _amount_error(amount)
        if bad:
            return {"error": bad}
        rate = self._rate(from_currency, to_currency)
        if isinstance(rate, str):
            return {"error": rate}
        return {"amount": amount, "from_currency": from_currency, "to_currency": to_currency, "rate": rate,
                "converted_amount": _round(amount * rate, to_currency)}

    def set_spending_limit(self, account_id: str, limit: float) -> SpendingLimit:
        """Set the daily limit on money leaving an account through transfers and bill payments.

        Args:
            account_id: Account to limit.
            limit: New daily limit, in the account's currency.

        Returns:
            The new spending_limit, what was already spent today and what remains.
        """
        acc = self._account(account_id)
        if isinstance(acc, str):
            return {"error": acc}
        bad = _amount_error(limit, "limit")
        if bad:
            return {"error": bad}
        acc["spending_limit"] = _round(limit, acc["currency"])
        return {"account_id": account_id, "spending_limit": acc["spending_limit"], "currency": acc["currency"],
                "spent_today": acc["spent_today"],
                "remaining_today": _round(max(0.0, acc["spending_limit"] - acc["spent_today"]), acc["currency"])}


def _account(aid: str, name: str, kind: str, balance: float, currency: str) -> dict[str, Any]:
    return {"account_id": aid, "name": name, "type": kind, "balance": balance, "currency": currency,
            "spending_limit": None, "spent_today": 0.0}


def _amount_error(amount: float, name: str = "amount") -> str | None:
    if isinstance(amount, bool) or not isinstance(amount, (int, float)) or not math.isfinite(amount) or amount <= 0:
        return f"Invalid {name} {amount!r}: give a positive number, e.g. 120.50."
    return None


def _record(state: dict[str, Any], account_id: str, day: str, description: str, counterparty: str,
            amount: float) -> str:
    acc = state["accounts"][account_id]
    tid = f"TX-{state['next_transaction']:04d}"
    state["next_transaction"] += 1
    state["transactions"][tid] = {
        "transaction_id": tid, "account_id": account_id, "date": day, "description": description,
        "counterparty": counterparty, "direction": "credit" if amount > 0 else "debit",
        "amount": _round(abs(amount), acc["currency"]), "currency": acc["currency"], "balance_after": acc["balance"]}
    return tid


def _add_history(state: dict[str, Any], history: list[tuple[str, str, str, float]]) -> None:
    """Record past transactions (chronological) that end at the accounts' current balances.

    Each one is booked as :func:`_record` books it, with the account's balance at that time.
    """
    accounts = state["accounts"]
    running = {aid: acc["balance"] for aid, acc in accounts.items()}
    for aid, _, _, amount in history:
        running[aid] -= amount
    transactions = state["transactions"]
    for aid, day, desc, amount in history:
        currency = accounts[aid]["currency"]
        digits = 0 if currency == "JPY" else 2  # as _round
        balance = running[aid] = round_to(running[aid] + amount + 0.0, digits)
        tid = f"TX-{state['next_transaction']:04d}"
        state["next_transaction"] += 1
        transactions[tid] = {
            "transaction_id": tid, "account_id": aid, "date": day, "description": desc,
            "counterparty": desc.split(" - ")[-1], "direction": "credit" if amount > 0 else "debit",
            "amount": round_to(abs(amount) + 0.0, digits), "currency": currency, "balance_after": balance}
