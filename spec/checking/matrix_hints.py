"""Naming the slip in a wrong matrix formula: the one edit that makes it right.

Each edit is tried on the student's own tree and the result evaluated on the same random
instances; the first edit after which the formula equals the rule on all of them names
the slip. The edits are the classic slips, undone:

* a transpose added or removed on one operand (``transpose``);
* the operands of one ``@`` swapped (``operand_order``);
* ``*`` turned into ``@`` or back (``elementwise_for_matmul``, ``matmul_for_elementwise``),
  also with the operands swapped;
* one name replaced by its neighbour: A_prev for A (``wrong_layer_activation``), Z for
  Z_next inside g' (``wrong_layer_gprime``), Z for A inside g' (``gprime_of_output``);
* the axis of a sum changed, or a sum over the samples added (``sum_axis``, ``not_summed``);
* a factor 1/N added or removed (``factor_n``, ``factor_1_over_n``), the whole negated
  (``sign``) or transposed (``transpose``), a factor g'(Z) added (``missing_gprime``), a
  factor 2 or 1/2 (``constant_factor``);
* an elementwise part replaced by g'(Z): what it was instead (g itself, g'(A), g'(a)'s
  formula at Z, another activation's g') names the slip (``wrong_gprime`` otherwise);
* one factor of a product left out (``extra_factor``: an extra g', an extra N).
"""
from __future__ import annotations

import ast
import copy

import numpy as np

from deltaspec.spec import slips
from deltaspec.spec.checking import arrays

_SWAPS = {"A": ("A_prev", "wrong_layer_activation", "the layer's output A is used where its input A_prev belongs"),
          "A_prev": ("A", "wrong_layer_activation", "the layer's input A_prev is used where its output A belongs"),
          "Z_next": ("Z", "wrong_layer_gprime", ""), "dA": ("dZ", "wrong_layer_activation",
                                                           "dA is used where dZ = dA * g'(Z) belongs")}


def diagnose(s, part, tree, expected, envs, compare, impostors, backend):
    """(hint, codes) of the first edit that fixes the formula on every instance; else, for a
    rule with a g' factor, what the student's factor equals instead. ``impostors(s, env)``
    lists what students write for g'(Z) (code, values, words); ``backend`` evaluates floats."""
    for variant, code, hint in _variants(s, tree, envs[0], impostors, backend):
        try:
            if all(compare(s, part, variant, expected, env) is None for env in envs):
                return hint, (code,)
        except Exception:  # an edit that breaks evaluation fixes nothing
            continue
    return _impostor(s, part, tree, expected, envs, compare, impostors) or (None, ())


def _impostor(s, part, tree, expected, envs, compare, impostors):
    """The rule with its g'(Z) replaced by what students put there (g, g'(A), another g'):
    the match names the slip however the formula is bracketed (delta @ W.T * Z * (1 - Z))."""
    slot = ast.Name(id="_IMPOSTOR", ctx=ast.Load())
    calls = [i for i, n in enumerate(ast.walk(expected)) if isinstance(n, ast.Call)
             and getattr(n.func, "id", "") == "g_prime"]
    if not calls:
        return None
    variant = _copy_with(expected, calls[0], lambda n: copy.deepcopy(slot))
    for index, (code, _, text) in enumerate(impostors(s, envs[0])):
        def fits(env, index=index):
            stand_in = impostors(s, env)[index][1]
            return compare(s, part, tree, variant, {**env, "_IMPOSTOR": stand_in}) is None
        try:
            if all(fits(env) for env in envs):
                return slips.hint("wrong_gprime", "unplaced", name=s.g_name(), what=text), (code,)
        except Exception:  # an impostor that does not evaluate names nothing
            continue
    return None


def _show(node) -> str:
    return ast.unparse(node).replace("g_prime", "g'")


def _copy_with(tree, index, make):
    """A copy of ``tree`` whose ``index``-th node (in ast.walk order) is replaced by make(node)."""
    new = copy.deepcopy(tree)
    nodes = list(ast.walk(new))
    target = nodes[index]
    replacement = make(target)
    for parent in ast.walk(new):
        for field, value in ast.iter_fields(parent):
            if value is target:
                setattr(parent, field, replacement)
            elif isinstance(value, list) and any(v is target for v in value):
                setattr(parent, field, [replacement if v is target else v for v in value])
    return ast.fix_missing_locations(new)


def _T(node):
    return ast.Attribute(value=node, attr="T", ctx=ast.Load())


def _variants(s, tree, env, impostors, backend):
    """Every single-edit variant, as (tree, slip code, hint), the likeliest slips first."""
    nodes = list(ast.walk(tree))
    yield from _sums(s, tree, nodes)  # a sum's axis before a transpose: delta.T.sum(axis=1) is no one's fix
    yield from _transposes(tree, nodes)
    yield from _products(tree, nodes)
    yield from _names(tree, nodes)
    yield from _gprime_factors(s, tree, nodes, env, impostors, backend)
    yield from _wholes(s, tree)  # before a dropped factor: an extra /N is the reduction's slip, by name
    yield from _dropped_factors(tree, nodes)


def _transposes(tree, nodes):
    for i, node in enumerate(nodes):
        if isinstance(node, ast.Attribute) and node.attr == "T":
            yield (_copy_with(tree, i, lambda n: n.value), "transpose",
                   slips.hint("transpose", what=f"{_show(node)}", detail=f"the .T should not be there: "
                                                                        f"use {_show(node.value)}"))
        elif isinstance(node, ast.Name):
            yield (_copy_with(tree, i, _T), "transpose",
                   slips.hint("transpose", what=node.id, detail=f"it needs a transpose: use {node.id}.T"))


def _dot_calls(tree, nodes):
    """np.dot(u, v), np.matmul(u, v), u.dot(v) with the operands swapped."""
    for i, node in enumerate(nodes):
        if not isinstance(node, ast.Call) or not isinstance(node.func, (ast.Attribute, ast.Name)):
            continue
        name = node.func.attr if isinstance(node.func, ast.Attribute) else node.func.id
        if name not in ("dot", "matmul"):
            continue
        method = isinstance(node.func, ast.Attribute) and not (
            isinstance(node.func.value, ast.Name) and node.func.value.id in ("np", "numpy"))
        left, right = (node.func.value, node.args[0]) if method and node.args else tuple(node.args[:2]) + (None,) * (2 - len(node.args[:2]))
        if left is None or right is None:
            continue
        fixed = ast.BinOp(left=right, op=ast.MatMult(), right=left)
        yield (_copy_with(tree, i, lambda n, f=fixed: copy.deepcopy(f)), "operand_order",
               slips.hint("operand_order", product=_show(node), fixed=_show(fixed)))


def _products(tree, nodes):
    yield from _dot_calls(tree, nodes)
    for i, node in enumerate(nodes):
        if not isinstance(node, ast.BinOp) or not isinstance(node.op, (ast.MatMult, ast.Mult)):
            continue
        shown = _show(node)
        swapped = ast.BinOp(left=node.right, op=node.op, right=node.left)
        if isinstance(node.op, ast.MatMult):
            yield (_copy_with(tree, i, lambda n: ast.BinOp(left=n.right, op=n.op, right=n.left)), "operand_order",
                   slips.hint("operand_order", product=shown, fixed=_show(swapped)))
            for left, right in ((node.left, node.right), (node.right, node.left)):
                fixed = ast.BinOp(left=left, op=ast.Mult(), right=right)
                yield (_copy_with(tree, i, lambda n, f=fixed: copy.deepcopy(f)), "matmul_for_elementwise",
                       slips.hint("matmul_for_elementwise", product=shown, fixed=_show(fixed)))
        else:
            for left, right in ((node.left, node.right), (node.right, node.left)):
                fixed = ast.BinOp(left=left, op=ast.MatMult(), right=right)
                yield (_copy_with(tree, i, lambda n, f=fixed: copy.deepcopy(f)), "elementwise_for_matmul",
                       slips.hint("elementwise_for_matmul", product=shown, fixed=_show(fixed)))


def _inside_gprime(tree):
    """ids of Name nodes that are the argument of g' (or a catalog _prime)."""
    inside = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, (ast.Name, ast.Attribute)):
            name = node.func.id if isinstance(node.func, ast.Name) else node.func.attr
            if name.endswith("_prime"):
                inside |= {id(n) for arg in node.args for n in ast.walk(arg) if isinstance(n, ast.Name)}
    return inside


def _names(tree, nodes):
    in_gprime = _inside_gprime(tree)
    for i, node in enumerate(nodes):
        if not isinstance(node, ast.Name):
            continue
        if id(node) in in_gprime and node.id == "A":
            fixed = _copy_with(tree, i, lambda n: ast.Name(id="Z", ctx=ast.Load()))
            yield fixed, "gprime_of_output", slips.hint("gprime_of_output", "matrix", fixed=_show(fixed.body))
            continue
        if id(node) in in_gprime and node.id == "Z_next":
            yield (_copy_with(tree, i, lambda n: ast.Name(id="Z", ctx=ast.Load())), "wrong_layer_gprime",
                   slips.hint("wrong_layer_gprime", wrote="Z_next", right="Z"))
            continue
        if node.id in _SWAPS:
            other, code, why = _SWAPS[node.id]
            yield (_copy_with(tree, i, lambda n, o=other: ast.Name(id=o, ctx=ast.Load())), code,
                   slips.hint(code, wrote=node.id, right=other, why=why) if code == "wrong_layer_activation"
                   else slips.hint(code, wrote=node.id, right=other))


_MATRICES = {"delta", "W", "A_prev", "dA", "dZ", "dW", "db", "b"}


def _elementwise_part(node) -> bool:
    """A subexpression of Z, A or Z_next alone (no delta, no weights): a stand-in for g'(Z)."""
    names = {n.id for n in ast.walk(node) if isinstance(n, ast.Name)}
    return bool(names & {"Z", "A", "Z_next"}) and not names & _MATRICES


def _gprime_factors(s, tree, nodes, env, impostors, backend):
    """Each elementwise part replaced by g'(Z): the slip is what that part was instead."""
    right = ast.Call(func=ast.Name(id="g_prime", ctx=ast.Load()), args=[ast.Name(id="Z", ctx=ast.Load())],
                     keywords=[])
    for i, node in enumerate(nodes):
        if node is tree.body or not isinstance(node, ast.expr) or not _elementwise_part(node):
            continue
        if ast.dump(node) == ast.dump(right):
            continue
        code, hint = _what_stands_for_gprime(s, node, env, impostors, backend)
        yield _copy_with(tree, i, lambda n: copy.deepcopy(right)), code, hint


def _what_stands_for_gprime(s, node, env, impostors, backend) -> tuple[str, str]:
    """Name what a wrong g' factor is: g itself, g' of the output, g'(a)'s formula at Z,
    another activation's g', or just not g'."""
    name, shown = s.g_name(), _show(node)
    try:
        value = arrays.evaluate(ast.Expression(body=node), env, backend)
    except Exception:  # a part that does not evaluate alone: call it what it is not
        return "wrong_gprime", slips.hint("wrong_gprime", part=shown, name=name)
    for code, candidate, text in impostors(s, env):
        if candidate is not None and _same(value, candidate):
            return code, slips.hint("wrong_gprime", "named", part=shown, name=name, what=text)
    return "wrong_gprime", slips.hint("wrong_gprime", part=shown, name=name)


def _same(u, v) -> bool:
    try:
        return bool(np.allclose(np.broadcast_to(u, np.shape(v)), v, rtol=1e-9, atol=1e-12))
    except ValueError:
        return False


def _dropped_factors(tree, nodes):
    """One factor of a product left out: an extra g', an extra N, a stray constant."""
    for i, node in enumerate(nodes):
        if not isinstance(node, ast.BinOp) or not isinstance(node.op, (ast.Mult, ast.Div)):
            continue
        kept, dropped = node.left, node.right
        yield (_copy_with(tree, i, lambda n, k=kept: copy.deepcopy(k)), "extra_factor",
               slips.hint("extra_factor", factor=_show(dropped)) if isinstance(node.op, ast.Mult)
               else slips.hint("extra_factor", factor=f"1/{_show(dropped)}"))
        if isinstance(node.op, ast.Mult):
            yield (_copy_with(tree, i, lambda n, k=node.right: copy.deepcopy(k)), "extra_factor",
                   slips.hint("extra_factor", factor=_show(node.left)))


def _axis_of(call):
    for kw in call.keywords:
        if kw.arg == "axis":
            return kw
    return None


def _sums(s, tree, nodes):
    samples = 1 if s.column else 0
    for i, node in enumerate(nodes):
        if not isinstance(node, ast.Call):
            continue
        name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
        if name not in ("sum", "mean"):
            continue
        kw = _axis_of(node)
        wrote = "every element" if kw is None else f"axis {ast.literal_eval(kw.value)}"

        def with_axis(n):
            n = copy.deepcopy(n)
            n.keywords = [k for k in n.keywords if k.arg != "axis"] + [ast.keyword(arg="axis", value=ast.Constant(samples))]
            return n

        fixed = _copy_with(tree, i, with_axis)
        yield fixed, "sum_axis", slips.hint("sum_axis", wrote=_show(node), over=wrote,
                                            fixed=f"axis={samples}: {_show(fixed.body)}")


def _wholes(s, tree):
    body = tree.body
    samples = 1 if s.column else 0
    summed = ast.Call(func=ast.Attribute(value=body, attr="sum", ctx=ast.Load()), args=[],
                      keywords=[ast.keyword(arg="axis", value=ast.Constant(samples))])
    keep = copy.deepcopy(summed)
    keep.keywords.append(ast.keyword(arg="keepdims", value=ast.Constant(True)))
    for variant in (summed, keep):
        yield _whole(variant), "not_summed", slips.hint("not_summed", fixed=_show(variant))
    over_n = ast.BinOp(left=body, op=ast.Div(), right=ast.Name(id="N", ctx=ast.Load()))
    yield _whole(over_n), "factor_n", slips.hint("factor_n") + f" (the loss is the mean over N): {_show(over_n)}"
    times_n = ast.BinOp(left=body, op=ast.Mult(), right=ast.Name(id="N", ctx=ast.Load()))
    why = " (the loss's 1/N is applied twice)" if s.mean else " (δ already carries the loss's reduction)"
    yield _whole(times_n), "factor_1_over_n", slips.hint("factor_1_over_n") + why
    yield _whole(ast.UnaryOp(op=ast.USub(), operand=body)), "sign", slips.hint("sign")
    yield (_whole(ast.Attribute(value=body, attr="T", ctx=ast.Load())), "transpose",
           slips.hint("transpose", what="the result", detail="it is the transpose of the rule's: swap the "
                                                             "operands and their transposes"))
    for factor, shown in ((2, "2"), (0.5, "1/2")):
        scaled = ast.BinOp(left=body, op=ast.Mult(), right=ast.Constant(factor))
        yield _whole(scaled), "constant_factor", slips.hint("constant_factor", ratio=f"1/{shown}" if factor == 2
                                                            else "2")
    gprime = ast.Call(func=ast.Name(id="g_prime", ctx=ast.Load()), args=[ast.Name(id="Z", ctx=ast.Load())],
                      keywords=[])
    with_g = ast.BinOp(left=body, op=ast.Mult(), right=gprime)
    yield _whole(with_g), "missing_gprime", slips.hint("missing_gprime", "matrix", fixed=_show(with_g))


def _whole(body):
    return ast.fix_missing_locations(ast.Expression(body=copy.deepcopy(body)))
