"""Graph files: JSON and GraphML round trips, the HTML page, the summary."""

from __future__ import annotations

import html
import json
import re

import networkx as nx
import pytest

from magnet_graph.errors import GraphError
from magnet_graph.graph import build_graph, graph_summary, read_graph, write_graph
from magnet_graph.types import Tool


def _obj(props, required=()):
    return {"type": "object", "properties": props, "required": list(required)}


S = {"type": "string"}


@pytest.fixture
def graph() -> nx.DiGraph:
    tools = [
        Tool(name="login", parameters=_obj({"user": S}, ["user"]), returns=_obj({"access_token": S}), toolkit="shop",
             description='Log in & get a token <for "later">.'),
        Tool(name="search_products", parameters=_obj({"access_token": S, "query": S}, ["access_token", "query"]),
             returns=_obj({"products": {"type": "array", "items": _obj({"product_id": S, "name": S})}}), toolkit="shop"),
        Tool(name="add_to_cart", parameters=_obj({"access_token": S, "product_id": S}, ["access_token", "product_id"]),
             returns=_obj({"cart_id": S}), toolkit="shop"),
        Tool(name="checkout", parameters=_obj({"cart_id": S, "coupon": S}, ["coupon"]), returns=_obj({"order_id": S}),
             toolkit="shop"),
        Tool(name="track_order", parameters=_obj({"order_id": S}, ["order_id"]), returns=None, toolkit="post"),
        Tool(name="get_weather", parameters=_obj({"city": S}, ["city"]), returns=_obj({"sky": S}), toolkit="meteo"),
    ]  # fmt: skip
    return build_graph(tools)


def _edges(G: nx.DiGraph) -> dict:
    return {(u, v): d for u, v, d in G.edges(data=True)}


def _nodes(G: nx.DiGraph) -> dict:
    return dict(G.nodes(data=True))


@pytest.mark.parametrize("suffix", [".json", ".graphml"])
def test_round_trip_keeps_nodes_edges_and_attributes(graph, tmp_path, suffix):
    path = write_graph(graph, tmp_path / f"g{suffix}")
    back = read_graph(path)
    assert _nodes(back) == _nodes(graph)
    assert _edges(back) == _edges(graph)
    assert all(isinstance(d["feeds"], list) for _u, _v, d in back.edges(data=True))
    assert back.graph["min_score"] == graph.graph["min_score"]


def test_json_and_graphml_agree(graph, tmp_path):
    a = read_graph(write_graph(graph, tmp_path / "g.json"))
    b = read_graph(write_graph(graph, tmp_path / "g.graphml"))
    assert _nodes(a) == _nodes(b) and _edges(a) == _edges(b)


def test_json_is_node_link_with_edges_key(graph, tmp_path):
    data = json.loads(write_graph(graph, tmp_path / "g.json").read_text())
    assert "edges" in data and "links" not in data
    assert {n["id"] for n in data["nodes"]} == set(graph.nodes)
    first = next(e for e in data["edges"] if e["source"] == "search_products" and e["target"] == "add_to_cart")
    assert first["feeds"] == [["products[].product_id", "product_id"]]


def test_format_argument_overrides_the_suffix(graph, tmp_path):
    path = write_graph(graph, tmp_path / "g.data", format="json")
    assert _edges(read_graph(path, format="json")) == _edges(graph)


def test_html_is_self_contained_and_names_every_edge(graph, tmp_path):
    text = write_graph(graph, tmp_path / "g.html").read_text()
    assert text.startswith("<!DOCTYPE html>") and "<svg" in text and "</html>" in text
    assert not re.search(r"""(src|href)\s*=\s*["']?\s*(https?:)?//""", text, re.I)
    assert "<link" not in text and "@import" not in text
    for u, v, d in graph.edges(data=True):
        assert html.escape(d["reason"]) in text, (u, v)
    # nested edges are drawn distinctly, node descriptions are escaped
    assert 'class="e nested"' in text and "marker-end=\"url(#arrowN)\"" in text
    assert "&lt;for &quot;later&quot;&gt;" in text and '<for "later">' not in text
    # a legend entry per toolkit
    for tk in ("shop", "post", "meteo"):
        assert f"</span>{tk}</div>" in text


def test_html_of_an_empty_graph(tmp_path):
    text = write_graph(nx.DiGraph(), tmp_path / "empty.html").read_text()
    assert "0 tools" in text


def test_bad_formats_and_files(graph, tmp_path):
    with pytest.raises(GraphError, match=r"g\.png: cannot write a graph with suffix '\.png'; use a file ending in"):
        write_graph(graph, tmp_path / "g.png")
    html_path = write_graph(graph, tmp_path / "g.html")
    with pytest.raises(GraphError, match="cannot read a graph"):
        read_graph(html_path)
    with pytest.raises(GraphError, match="no such graph file"):
        read_graph(tmp_path / "missing.json")
    (tmp_path / "bad.json").write_text("{not json")
    with pytest.raises(GraphError, match="not a readable json graph"):
        read_graph(tmp_path / "bad.json")
    (tmp_path / "bad.graphml").write_text("<graphml><oops")
    with pytest.raises(GraphError, match="not a readable graphml graph"):
        read_graph(tmp_path / "bad.graphml")


def test_summary_numbers():
    G = nx.DiGraph()
    G.add_nodes_from(["a", "b", "c", "d", "e", "f"], toolkit="t")
    G.nodes["f"]["toolkit"] = "u"
    G.add_edge("a", "b", nested=True, kind="exact")
    G.add_edge("a", "c", nested=False, kind="precondition")
    G.add_edge("b", "c", nested=True, kind="part")
    G.add_edge("d", "c", nested=False, kind="exact")
    s = graph_summary(G)
    assert s["tools"] == 6 and s["edges"] == 4 and s["nested_edges"] == 2
    assert s["kinds"] == {"exact": 2, "part": 1, "precondition": 1}
    assert s["toolkits"] == 2
    assert s["components"] == 3  # {a,b,c,d}, {e}, {f}
    assert s["isolated"] == ["e", "f"]
    assert s["top_out"] == [["a", 2], ["b", 1], ["d", 1]]
    assert s["top_in"] == [["c", 3], ["b", 1]]
    assert graph_summary(G, top=1)["top_out"] == [["a", 2]]


def test_summary_of_a_built_graph(graph):
    s = graph_summary(graph)
    assert s["tools"] == 6
    assert s["edges"] == graph.number_of_edges() and s["edges"] > 0
    assert s["nested_edges"] == sum(1 for *_e, d in graph.edges(data=True) if d["nested"])
    assert "get_weather" in s["isolated"]
    assert s["top_out"][0][0] == "login"
