"""Shop: an online store with a product catalog, one cart, coupons, orders, shipping and returns.

Orders move processing -> shipped -> delivered; a processing order can be cancelled (stock
goes back, the card is refunded), a delivered one accepts returns for 30 days. Cards are
the customer's saved cards, named by their last four digits (``payment_card``).
"""

import math
import random
import re
from typing import Any, Literal, NotRequired, TypedDict

from magnet_graph.toolkit import Toolkit, World, draw_world

from ._data_b import (
    CARD_BRANDS, CARRIERS, COUPONS, HUBS, PRODUCTS, _unit_of, add_days, address, day_ordinal,
)
from ._util import drawer, iso_day, round2, round_to, sample

__all__ = ["Shop"]

RETURN_DAYS = 30
FREE_SHIPPING_FROM = 35.0
SHIPPING_FEE = 5.99
ReturnReason = Literal["damaged", "wrong_item", "not_as_described", "no_longer_needed", "arrived_late"]


# generate_state's pools
_PRODUCT_ROWS = tuple(range(len(PRODUCTS)))
_STOCKS = (1, 2, 3, 8, 15, 25, 40)
_FIRST_COUPON_DAYS = (20, 45, 90)
_COUPON_DAYS = (-10, 20, 45, 90)
_QUANTITIES = (1, 1, 2)
_CART_SIZES = (2, 2, 3)


# -- outputs --------------------------------------------------------------------------------

class ProductHit(TypedDict):
    product_id: str
    name: str
    price: float
    currency: str
    rating: float
    in_stock: bool


class ProductSearch(TypedDict):
    query: str
    products: list[ProductHit]


class Product(TypedDict):
    product_id: str
    name: str
    brand: str
    category: str
    description: str
    price: float
    currency: str
    rating: float
    stock: int


class CartLine(TypedDict):
    product_id: str
    name: str
    quantity: int
    unit_price: float
    line_total: float


class Cart(TypedDict):
    cart_id: str
    items: list[CartLine]
    subtotal: float
    applied_coupon: str
    percent_off: int
    discount: float
    shipping: float
    total: float
    currency: str
    suggested_coupon_code: NotRequired[str]  # present when a better coupon fits the cart


class Order(TypedDict):
    order_id: str
    placed_date: str
    status: str
    items: list[CartLine]
    subtotal: float
    discount: float
    shipping: float
    total: float
    currency: str
    shipping_address: str
    payment_card: str
    carrier: str
    tracking_number: str
    eta_date: str


class OrderSummary(TypedDict):
    order_id: str
    placed_date: str
    status: str
    item_count: int
    total: float
    currency: str


class OrderList(TypedDict):
    orders: list[OrderSummary]


class OrderCancellation(TypedDict):
    order_id: str
    status: str
    refund_amount: float
    currency: str
    payment_card: str


class Shipment(TypedDict):
    order_id: str
    carrier: str
    tracking_number: str
    status: str
    eta_date: str
    last_location: str


class ReturnResult(TypedDict):
    return_id: str
    order_id: str
    product_id: str
    quantity: int
    reason: str
    refund_amount: float
    currency: str
    status: str
    drop_off_by: str


# -- the toolkit ------------------------------------------------------------------------------

class Shop(Toolkit):
    """An online store: search products, fill the cart, order, track, cancel and return."""

    toolkit_name = "Shop"
    fresh_state = True  # generate_state builds new plain JSON data (see Toolkit.fresh_state)
    description = "Search products, manage the cart and coupons, place, track, cancel and return orders."
    hints = {
        "search_products": (
            "I'm looking for {query}; what do you have?",
            "Find {query} under {max_price} dollars.",
            "Search the store for {query}.",
            "Do you sell any {query}?",
        ),
        "get_product": (
            "Tell me more about product {product_id}.",
            "How many of {product_id} are in stock, and what does it cost?",
            "Show me the details of {product_id}.",
        ),
        "add_to_cart": (
            "Put {quantity} of {product_id} in my cart.",
            "Add {product_id} to the cart, quantity {quantity}.",
            "I'll take {quantity} x {product_id}.",
        ),
        "remove_from_cart": (
            "Take {product_id} out of my cart.",
            "I changed my mind about {product_id}; remove it from the cart.",
            "Drop {product_id} from my basket.",
        ),
        "view_cart": (
            "What's in my cart right now?",
            "Show me my basket and the total.",
            "How much does my cart come to?",
        ),
        "apply_coupon": (
            "Use the coupon code {coupon_code}.",
            "I have a promo code, {coupon_code}; apply it please.",
            "Can you redeem {coupon_code} on my cart?",
        ),
        "place_order": (
            "Check out and ship it to {shipping_address}, paying with my card ending {payment_card}.",
            "Place the order: deliver to {shipping_address}, card {payment_card}.",
            "Go ahead and buy what's in the cart; send it to {shipping_address} and charge the card ending in "
            "{payment_card}.",
        ),
        "list_orders": (
            "What have I ordered recently?",
            "Show me my {status} orders.",
            "List my order history.",
        ),
        "get_order": (
            "What's in order {order_id}?",
            "Show me the details of my order {order_id}.",
            "Pull up order {order_id} for me.",
        ),
        "cancel_order": (
            "Cancel order {order_id}.",
            "I no longer want order {order_id}; please call it off.",
            "Stop order {order_id} before it ships and refund me.",
        ),
        "track_shipment": (
            "Where is my package for order {order_id}?",
            "When will order {order_id} arrive?",
            "Track the delivery of {order_id}.",
        ),
        "return_item": (
            "I want to return {product_id} from order {order_id} because it's {reason}.",
            "Start a return for {product_id} in order {order_id}, reason: {reason}.",
            "Send back {product_id} from {order_id} ({reason}).",
        ),
    }

    # -- state ----------------------------------------------------------------------------
    @classmethod
    def default_state(cls) -> dict[str, Any]:
        """Eight products, two saved cards, two coupons and two past orders (one delivered, one shipped)."""
        rows = [(0, "P-1001", 179.0, 12), (1, "P-1002", 89.0, 0), (3, "P-1004", 12.99, 40), (9, "P-1010", 24.0, 3),
                (10, "P-1011", 149.0, 5), (19, "P-1020", 42.0, 8), (21, "P-1022", 36.0, 15), (26, "P-1027", 29.0, 2)]
        products = {pid: _product(pid, PRODUCTS[i], price, stock, 4.5) for i, pid, price, stock in rows}
        state = {
            "today": "2025-06-02",
            "customer": {"name": "Maya Chen", "addresses": ["1420 Valencia Street, San Francisco, CA 94110"]},
            "saved_cards": {"4242": {"payment_card": "4242", "brand": "Visa"},
                            "5100": {"payment_card": "5100", "brand": "Mastercard"}},
            "products": products,
            "cart": {"cart_id": "CART-0001", "items": {}, "coupon": ""},
            "coupons": {"WELCOME10": {"code": "WELCOME10", "percent": 10, "min_subtotal": 0.0, "expires": "2025-12-31"},
                        "SPRING20": {"code": "SPRING20", "percent": 20, "min_subtotal": 150.0,
                                     "expires": "2025-05-31"}},
            "orders": {}, "returns": {}, "next_order": 1, "next_return": 1,
        }
        _past_order(state, [("P-1022", 1), ("P-1004", 2)], placed="2025-05-20", status="delivered", card="4242")
        _past_order(state, [("P-1020", 1)], placed="2025-05-30", status="shipped", card="5100")
        return state

    @classmethod
    def generate_state(cls, rng: random.Random, world: World | None = None) -> dict[str, Any]:
        """The world's user as the customer (the home address first, sometimes a second one),
        12-18 products with varied prices and stock, 1-3 saved cards, coupons and orders placed
        before the world's today (the world is drawn from ``rng`` when none is given)."""
        if world is None:
            world = draw_world(rng)
        below = drawer(rng)  # seq[below(len(seq))] is rng.choice(seq), a + below(b - a) rng.randrange(a, b)
        random_ = rng.random  # lo + (hi - lo) * random_() is rng.uniform(lo, hi)
        today = world.today
        day0 = day_ordinal(today)  # add_days(today, n) is iso_day(day0 + n)
        products: dict[str, dict[str, Any]] = {}
        for row in sorted(sample(rng, _PRODUCT_ROWS, 12 + below(7))):
            pid = f"P-{1000 + below(9000)}"
            while pid in products:
                pid = f"P-{1000 + below(9000)}"
            name, category, brand, base_usd, tags = PRODUCTS[row]
            base = base_usd * (0.85 + (1.15 - 0.85) * random_())
            price = round(base) - 0.01 if base > 20 else round2(base)
            stock = 0 if random_() < 0.1 else _STOCKS[below(len(_STOCKS))]
            products[pid] = {"product_id": pid, "name": name, "brand": brand, "category": category, "tags": tags,
                             "price": price, "rating": round_to(3.4 + (4.9 - 3.4) * random_(), 1), "stock": stock}
        cards = {}
        for _ in range(1 + below(3)):
            last4 = f"{below(10000):04d}"
            cards[last4] = {"payment_card": last4, "brand": CARD_BRANDS[below(len(CARD_BRANDS))]}
        coupons = {}
        for k, (code, pct, minimum) in enumerate([COUPONS[0]] + sample(rng, COUPONS[1:], 1 + below(3))):
            shifts = _FIRST_COUPON_DAYS if k == 0 else _COUPON_DAYS  # the first one always works
            coupons[code] = {"code": code, "percent": pct, "min_subtotal": minimum,
                             "expires": iso_day(day0 + shifts[below(len(shifts))])}
        addresses = [world.address]
        if below(2):  # a second place to ship to (an office, family)
            other = address(rng)
            if other != addresses[0]:
                addresses.append(other)
        state = {"today": today, "customer": {"name": world.name, "addresses": addresses}, "saved_cards": cards,
                 "products": products,
                 "cart": {"cart_id": f"CART-{1000 + below(9000)}", "items": {}, "coupon": ""},
                 "coupons": coupons, "orders": {}, "returns": {}, "next_order": 1 + below(399), "next_return": 1}
        pids = list(products)
        card_ids = list(cards)
        # two recent deliveries (still returnable), one not shipped yet, and some of: an old one, one on its way
        others = [("delivered", 45 + below(46)), ("shipped", 1 + below(3))]
        history = [("delivered", 5 + below(16)), ("delivered", 21 + below(6)), ("processing", below(2))]
        history += sample(rng, others, below(3))
        unused = pids  # orders hold different products (so a product names one order to return it from)
        for status, age in sorted(history, key=lambda h: -h[1]):
            pool = unused or pids
            picked = sample(rng, pool, min(1 + below(3), len(pool)))
            unused = [p for p in unused if p not in picked]
            items = [(pid, _QUANTITIES[below(3)]) for pid in picked]
            _past_order(state, items, placed=iso_day(day0 - age), status=status, card=card_ids[below(len(card_ids))])
        in_stock = [p for p, v in products.items() if v["stock"] >= 2]
        for pid in sample(rng, in_stock, min(len(in_stock), _CART_SIZES[below(3)])):  # left in the cart last time
            state["cart"]["items"][pid] = 1
        return state

    # candidates() lists every value these can succeed with now (see Shop.candidates)
    exact_candidates = {
        "get_product": ("product_id",), "add_to_cart": ("product_id",), "remove_from_cart": ("product_id",),
        "apply_coupon": ("coupon_code",), "place_order": ("payment_card", "shipping_address"),
        "get_order": ("order_id",), "cancel_order": ("order_id",), "track_shipment": ("order_id",),
        "return_item": ("order_id", "product_id"),
    }

    def candidates(self, tool: str, param: str) -> list[Any]:
        """Search words that match products, existing ids in a usable status, saved cards and addresses.

        For the parameters of ``exact_candidates`` the list holds every value a call can
        succeed with now, and is empty when no call can: the cart is empty (a coupon, an
        order), no order is processing (a cancellation), none can take a return.
        """
        d = self.data
        if param == "query":
            words = {p["category"] for p in d["products"].values()}
            words |= {p["tags"].split(";")[0] for p in d["products"].values()}
            return sorted(words)
        if param == "max_price":
            return [50.0, 100.0, 200.0, 500.0]
        if param == "quantity":
            return [1, 1, 2]
        if param == "status":
            return ["processing", "shipped", "delivered"]
        if param == "coupon_code":  # valid coupons the current cart qualifies for
            subtotal = sum(line["line_total"] for line in self._lines())
            if not subtotal and tool == "apply_coupon":
                return []  # an empty cart takes no coupon
            return [c["code"] for c in d["coupons"].values()
                    if c["expires"] >= d["today"] and (not subtotal or subtotal >= c["min_subtotal"])]
        if param in ("shipping_address", "payment_card"):
            if tool == "place_order" and not self._orderable():
                return []  # nothing in the cart can be ordered
            return list(d["customer"]["addresses"] if param == "shipping_address" else d["saved_cards"])
        if tool == "return_item" and param in ("order_id", "product_id"):
            # one order (order and product are drawn separately and must belong together)
            o = next((o for o in d["orders"].values()
                      if self._return_window_error(o) is None and any(not i.get("returned") for i in o["items"])), None)
            if o is None:
                return []
            if param == "order_id":
                return [o["order_id"]]
            return [i["product_id"] for i in o["items"] if not i.get("returned")]
        if param == "order_id":
            if tool == "cancel_order":
                return [o["order_id"] for o in d["orders"].values() if o["status"] == "processing"]
            if tool == "track_shipment":
                return [o["order_id"] for o in d["orders"].values() if o["status"] != "cancelled"]
            return list(d["orders"])
        if param == "product_id":
            if tool == "add_to_cart":  # one more unit must be in stock
                items = d["cart"]["items"]
                return [p for p, v in d["products"].items() if v["stock"] > items.get(p, 0)]
            if tool == "remove_from_cart":
                return list(d["cart"]["items"])
            return list(d["products"])
        return super().candidates(tool, param)

    # -- internals --------------------------------------------------------------------------
    def _lines(self) -> list[CartLine]:
        products = self.data["products"]
        out: list[CartLine] = []
        for pid, qty in self.data["cart"]["items"].items():
            p = products[pid]
            out.append({"product_id": pid, "name": p["name"], "quantity": qty, "unit_price": p["price"],
                        "line_total": round2(p["price"] * qty)})
        return out

    def _orderable(self) -> bool:
        """Whether the cart has items and the stock for all of them (place_order can succeed)."""
        items, products = self.data["cart"]["items"], self.data["products"]
        return bool(items) and all(q <= products[p]["stock"] for p, q in items.items())

    def _totals(self, lines: list[CartLine]) -> tuple[float, int, float, float, float]:
        """subtotal, percent off, discount, shipping, total of the cart lines with the cart's coupon."""
        subtotal = round2(sum(line["line_total"] for line in lines))
        coupon = self.data["coupons"].get(self.data["cart"]["coupon"])
        pct = coupon["percent"] if coupon and subtotal >= coupon["min_subtotal"] else 0
        discount = round2(subtotal * pct / 100)
        shipping = 0.0 if not lines or subtotal - discount >= FREE_SHIPPING_FROM else SHIPPING_FEE
        return subtotal, pct, discount, shipping, round2(subtotal - discount + shipping)

    def _order(self, order_id: str) -> dict[str, Any] | str:
        o = self.data["orders"].get(order_id)
        if o is None:
            return f"Unknown order_id '{order_id}': list your orders to find the right id (e.g. 'ORD-0012')."
        return o

    def _return_window_error(self, o: dict[str, Any]) -> str | None:
        if o["status"] != "delivered":
            return f"Order {o['order_id']} is {o['status']}; items can be returned once the order is delivered."
        last = add_days(o["delivered_date"], RETURN_DAYS)
        if last < self.data["today"]:
            return f"The {RETURN_DAYS}-day return window of order {o['order_id']} closed on {last}."
        return None

    # -- tools ------------------------------------------------------------------------------
    def search_products(self, query: str, max_price: float = 0.0) -> ProductSearch:
        """Search the catalog by keywords (name, brand, category), optionally under a price.

        Args:
            query: Keywords, e.g. "coffee grinder" or "camping".
            max_price: Highest price in USD; 0 means no limit.

        Returns:
            Up to 10 matching products, each with its product_id, price, rating and whether it is in stock.
        """
        if (isinstance(max_price, bool) or not isinstance(max_price, (int, float)) or not math.isfinite(max_price)
                or max_price < 0):
            return {"error": f"Invalid max_price {max_price!r}: give a price in USD, or 0 for no limit."}
        words = [w[:-1] if len(w) > 3 and w.endswith("s") else w for w in re.findall(r"[a-z0-9]+", str(query).lower())]
        if not words:
            return {"error": "The search query is empty: give a few keywords such as 'headphones'."}
        hits: list[ProductHit] = []
        for p in self.data["products"].values():
            text = f"{p['name']} {p['brand']} {p['category']} {p['tags']}".lower()
            if all(w in text for w in words) and (not max_price or p["price"] <= max_price):
                hits.append({"product_id": p["product_id"], "name": p["name"], "price": p["price"], "currency": "USD",
                             "rating": p["rating"], "in_stock": p["stock"] > 0})
        return {"query": query, "products": hits[:10]}

    def get_product(self, product_id: str) -> Product:
        """Get a product's full details, including price and stock.

        Args:
            product_id: Product id from the search results, e.g. "P-1001".

        Returns:
            The product's name, brand, category, description, price, rating and units in stock.
        """
        p = self.data["products"].get(product_id)
        if p is None:
            return {"error": f"Unknown product_id '{product_id}': search the catalog to find the right id."}
        return {"product_id": product_id, "name": p["name"], "brand": p["brand"], "category": p["category"],
                "description": f"{p['name']} by {p['brand']}, in {p['category']} ({p['tags'].replace(';', ',')}).",
                "price": p["price"], "currency": "USD", "rating": p["rating"], "stock": p["stock"]}

    def add_to_cart(self, product_id: str, quantity: int = 1) -> Cart:
        """Add units of a product to the shopping cart.

        Args:
            product_id: Product id from the search results.
            quantity: Number of units to add (1-10).

        Returns:
            The updated cart with its cart_id, items and totals.
        """
        p = self.data["products"].get(product_id)
        if p is None:
            return {"error": f"Unknown product_id '{product_id}': search the catalog to find the right id."}
        if isinstance(quantity, bool) or not isinstance(quantity, int) or not 1 <= quantity <= 10:
            return {"error": f"Invalid quantity {quantity!r}: give a whole number from 1 to 10."}
        items = self.data["cart"]["items"]
        want = items.get(product_id, 0) + quantity
        if p["stock"] == 0:
            return {"error": f"{p['name']} ({product_id}) is out of stock."}
        if want > p["stock"]:
            return {"error": f"Only {p['stock']} of {p['name']} ({product_id}) left in stock; "
                             f"the cart would hold {want}. Choose a smaller quantity."}
        items[product_id] = want
        return self.view_cart()

    def remove_from_cart(self, product_id: str) -> Cart:
        """Remove a product (all its units) from the shopping cart.

        Args:
            product_id: Product id of an item in the cart.

        Returns:
            The updated cart.
        """
        if product_id not in self.data["cart"]["items"]:
            return {"error": f"Product '{product_id}' is not in the cart: view the cart to see its items."}
        del self.data["cart"]["items"][product_id]
        return self.view_cart()

    def view_cart(self) -> Cart:
        """Show the shopping cart with subtotal, coupon discount, shipping and total.

        Returns:
            The cart's cart_id, items and totals in USD (shipping is free from 35 USD), and a
            suggested_coupon_code when a coupon would lower the total.
        """
        lines = self._lines()
        subtotal, pct, discount, shipping, total = self._totals(lines)
        cart: Cart = {"cart_id": self.data["cart"]["cart_id"], "items": lines, "subtotal": subtotal,
                      "applied_coupon": self.data["cart"]["coupon"] if pct else "", "percent_off": pct,
                      "discount": discount, "shipping": shipping, "total": total, "currency": "USD"}
        today = self.data["today"]
        better = [c for c in self.data["coupons"].values()
                  if c["expires"] >= today and c["min_subtotal"] <= subtotal and c["percent"] > pct]
        if lines and better:
            cart["suggested_coupon_code"] = max(better, key=lambda c: (c["percent"], c["code"]))["code"]
        return cart

    def apply_coupon(self, coupon_code: str) -> Cart:
        """Apply a coupon code to the cart (one coupon at a time; a new one replaces the old).

        Args:
            coupon_code: Coupon code, e.g. "WELCOME10".

        Returns:
            The cart with the coupon applied: percentage off, discount and new total.
        """
        code = coupon_code
        c = self.data["coupons"].get(str(code).strip().upper())
        if c is None:
            return {"error": f"Coupon '{code}' does not exist: check the spelling of the code."}
        if c["expires"] < self.data["today"]:
            return {"error": f"Coupon {c['code']} expired on {c['expires']}."}
        lines = self._lines()
        if not lines:
            return {"error": "The cart is empty: add products before applying a coupon."}
        subtotal = round2(sum(line["line_total"] for line in lines))
        if subtotal < c["min_subtotal"]:
            return {"error": f"Coupon {c['code']} needs a subtotal of at least {c['min_subtotal']:.2f} USD; "
                             f"the cart is at {subtotal:.2f} USD."}
        self.data["cart"]["coupon"] = c["code"]
        return self.view_cart()

    def place_order(self, shipping_address: str, payment_card: str) -> Order:
        """Buy everything in the cart: ship it to an address and charge a saved card.

        Args:
            shipping_address: Full delivery address: street and number, city, postal code.
            payment_card: Last four digits of the saved card to charge, e.g. "4242".

        Returns:
            The new order with its order_id, items, total charged and estimated delivery date.
        """
        lines = self._lines()
        if not lines:
            return {"error": "The cart is empty: add products before placing an order."}
        addr = str(shipping_address).strip()
        if len(addr) < 12 or not re.search(r"\d", addr) or "," not in addr:
            return {"error": f"Incomplete shipping_address '{shipping_address}': give street and number, city "
                             "and postal code."}
        digits = re.findall(r"\d", str(payment_card))
        card = "".join(digits[-4:])
        if card not in self.data["saved_cards"]:
            known = ", ".join(self.data["saved_cards"])
            return {"error": f"No saved card ending in {payment_card}: your saved cards end in {known}."}
        products = self.data["products"]
        for line in lines:
            if line["quantity"] > products[line["product_id"]]["stock"]:
                return {"error": f"Only {products[line['product_id']]['stock']} of {line['name']} left: "
                                 "lower the quantity in the cart."}
        for line in lines:
            products[line["product_id"]]["stock"] -= line["quantity"]
        subtotal, pct, discount, shipping, total = self._totals(lines)
        oid = f"ORD-{self.data['next_order']:04d}"
        self.data["next_order"] += 1
        today = self.data["today"]
        order = {"order_id": oid, "placed_date": today, "status": "processing", "items": lines, "subtotal": subtotal,
                 "discount": discount, "discount_percent": pct, "shipping": shipping, "total": total, "currency": "USD",
                 "shipping_address": addr, "payment_card": card,
                 "carrier": CARRIERS[int(_unit_of(f"carrier\x1f{oid}\x1f{today}") * len(CARRIERS))],
                 "tracking_number": _tracking(oid, today), "eta_date": add_days(today, 3 + int(_unit_of(f"eta\x1f{oid}") * 4)),
                 "delivered_date": ""}
        self.data["orders"][oid] = order
        self.data["cart"]["items"], self.data["cart"]["coupon"] = {}, ""
        return {k: order[k] for k in Order.__annotations__}

    def list_orders(
        self, status: Literal["all", "processing", "shipped", "delivered", "cancelled"] = "all"
    ) -> OrderList:
        """List the customer's orders, newest first.

        Args:
            status: Only orders with this status; "all" lists every order.

        Returns:
            One summary per order with its order_id, date, status, item count and total.
        """
        orders: list[OrderSummary] = [
            {"order_id": o["order_id"], "placed_date": o["placed_date"], "status": o["status"],
             "item_count": sum(i["quantity"] for i in o["items"]), "total": o["total"], "currency": o["currency"]}
            for o in reversed(self.data["orders"].values()) if status == "all" or o["status"] == status]
        return {"orders": orders}

    def get_order(self, order_id: str) -> Order:
        """Get the full details of an order.

        Args:
            order_id: Order id, e.g. "ORD-0012".

        Returns:
            The order's status, items, totals, shipping address, card and estimated delivery date.
        """
        o = self._order(order_id)
        if isinstance(o, str):
            return {"error": o}
        return {k: o[k] for k in Order.__annotations__}

    def cancel_order(self, order_id: str) -> OrderCancellation:
        """Cancel an order that has not shipped yet; its stock is released and the card refunded in full.

        Args:
            order_id: Order id of a processing order.

        Returns:
            The cancelled order's refund_amount and the card refunded.
        """
        o = self._order(order_id)
        if isinstance(o, str):
            return {"error": o}
        if o["status"] == "cancelled":
            return {"error": f"Order {order_id} is already cancelled."}
        if o["status"] != "processing":
            return {"error": f"Order {order_id} is already {o['status']} and cannot be cancelled; "
                             "return the items after delivery instead."}
        for line in o["items"]:
            p = self.data["products"].get(line["product_id"])
            if p is not None:
                p["stock"] += line["quantity"]
        o["status"] = "cancelled"
        return {"order_id": order_id, "status": "cancelled", "refund_amount": o["total"], "currency": o["currency"],
                "payment_card": o["payment_card"]}

    def track_shipment(self, order_id: str) -> Shipment:
        """Track the delivery of an order.

        Args:
            order_id: Order id to track.

        Returns:
            The carrier, tracking_number, shipping status, estimated delivery date and last known location.
        """
        o = self._order(order_id)
        if isinstance(o, str):
            return {"error": o}
        if o["status"] == "cancelled":
            return {"error": f"Order {order_id} was cancelled; there is no shipment to track."}
        status, where = {
            "processing": ("label_created", "Warehouse, " + HUBS[int(_unit_of(f"hub\x1f{order_id}") * len(HUBS))]),
            "shipped": ("in_transit", HUBS[int(_unit_of(f"hub\x1f{order_id}") * len(HUBS))]),
            "delivered": ("delivered", o["shipping_address"].split(",")[-2].strip()),
        }[o["status"]]
        return {"order_id": order_id, "carrier": o["carrier"], "tracking_number": o["tracking_number"],
                "status": status, "eta_date": o["delivered_date"] or o["eta_date"], "last_location": where}

    def return_item(self, order_id: str, product_id: str, reason: ReturnReason) -> ReturnResult:
        """Start a return of one product (all its units) from a delivered order, within 30 days of delivery.

        Args:
            order_id: Order id of a delivered order.
            product_id: Product id of the item to send back.
            reason: Why the item is returned.

        Returns:
            The return_id, the refund_amount the card will get once the parcel arrives, and the drop-off deadline.
        """
        o = self._order(order_id)
        if isinstance(o, str):
            return {"error": o}
        bad = self._return_window_error(o)
        if bad:
            return {"error": bad}
        line = next((i for i in o["items"] if i["product_id"] == product_id), None)
        if line is None:
            ids = ", ".join(i["product_id"] for i in o["items"])
            return {"error": f"Product '{product_id}' is not in order {order_id}: it contains {ids}."}
        if line.get("returned"):
            return {"error": f"{line['name']} from order {order_id} is already being returned ({line['returned']})."}
        rid = f"RET-{self.data['next_return']:04d}"
        self.data["next_return"] += 1
        refund = round2(line["line_total"] * (100 - o.get("discount_percent", 0)) / 100)
        line["returned"] = rid
        self.data["returns"][rid] = {"return_id": rid, "order_id": order_id, "product_id": product_id,
                                     "quantity": line["quantity"], "reason": reason, "refund_amount": refund}
        return {"return_id": rid, "order_id": order_id, "product_id": product_id, "quantity": line["quantity"],
                "reason": reason, "refund_amount": refund, "currency": o["currency"], "status": "return_requested",
                "drop_off_by": add_days(self.data["today"], 14)}


def _product(pid: str, row: tuple[str, str, str, float, str], price: float, stock: int,
             rating: float) -> dict[str, Any]:
    name, category, brand, _, tags = row
    return {"product_id": pid, "name": name, "brand": brand, "category": category, "tags": tags, "price": price,
            "rating": rating, "stock": stock}


def _tracking(order_id: str, day: str) -> str:
    # unit("trk", order_id, day) and unit("trk2", order_id), their texts joined here
    digits, check = int(_unit_of(f"trk\x1f{order_id}\x1f{day}") * 1e15), int(_unit_of(f"trk2\x1f{order_id}") * 10)
    return f"1Z{digits:015d}{check}"


def _past_order(state: dict[str, Any], items: list[tuple[str, int]], *, placed: str, status: str, card: str) -> None:
    """Add an order placed before today (delivered or shipped) to ``state``."""
    products = state["products"]
    lines = []
    for pid, qty in items:
        p = products[pid]
        lines.append({"product_id": pid, "name": p["name"], "quantity": qty, "unit_price": p["price"],
                      "line_total": round2(p["price"] * qty)})
    subtotal = round2(sum(x["line_total"] for x in lines))
    shipping = 0.0 if subtotal >= FREE_SHIPPING_FROM else SHIPPING_FEE
    oid = f"ORD-{state['next_order']:04d}"
    state["next_order"] += 1
    today = state["today"]
    eta = add_days(placed, 3 + int(_unit_of(f"eta\x1f{oid}") * 4))
    if status == "delivered":  # delivered by yesterday at the latest
        eta = min(eta, add_days(today, -1))
    elif eta <= today:  # still on its way
        eta = add_days(today, 1)
    if status == "processing":  # not shipped yet: its stock is already set aside
        for pid, qty in items:
            products[pid]["stock"] = max(products[pid]["stock"], qty) - qty
    state["orders"][oid] = {
        "order_id": oid, "placed_date": placed, "status": status, "items": lines, "subtotal": subtotal,
        "discount": 0.0, "discount_percent": 0, "shipping": shipping, "total": round2(subtotal + shipping),
        "currency": "USD", "shipping_address": state["customer"]["addresses"][0], "payment_card": card,
        "carrier": CARRIERS[int(_unit_of(f"carrier\x1f{oid}\x1f{placed}") * len(CARRIERS))],
        "tracking_number": _tracking(oid, placed),
        "eta_date": eta, "delivered_date": eta if status == "delivered" else ""}
