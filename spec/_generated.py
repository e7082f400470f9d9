"""Generated from the SymPy catalog by ``python -m deltaspec.spec source --write``; do not edit.

KEY is the hash of the spec source it was derived from (``spec.numeric.key``): while
the two agree, ``spec.numeric`` serves every function from this module without SymPy.
"""
import numpy

KEY = 'cf9f25a38ace9326'

ACTIVATIONS = ('identity', 'sigmoid', 'tanh', 'relu', 'leaky_relu', 'softplus', 'rbf')
SOFTMAX = 'softmax'
LOSSES = ('half_sse', 'sse', 'mse', 'bce', 'cross_entropy')
OUTPUT_FOR_LOSS = {'bce': ('sigmoid',), 'cross_entropy': ('softmax',)}
KINKS = {'identity': (), 'sigmoid': (), 'tanh': (), 'relu': (0.0,), 'leaky_relu': (0.0,), 'softplus': (), 'rbf': ()}
SOFTMAX_TARGET_SUM = ('cross_entropy',)


def _floats(*args):
    """Broadcast the arguments to one float array shape (ints become float64)."""
    arrs = [numpy.asarray(x) for x in args]
    dtype = numpy.result_type(*[x.dtype if x.dtype.kind == "f" else numpy.float64 for x in arrs])
    return numpy.broadcast_arrays(*[x.astype(dtype, copy=False) for x in arrs]), dtype


def _piecewise(args, cases):
    """Evaluate (condition, branch) cases in order, each only where it holds first."""
    arrs, dtype = _floats(*args)
    if len(cases) == 1:  # one unconditional branch: no masks to pay for
        out = numpy.asarray(cases[0][1](*arrs), dtype=dtype)
        return out if out.shape == arrs[0].shape else numpy.broadcast_to(out, arrs[0].shape).copy()
    out = numpy.empty(arrs[0].shape, dtype)
    left = numpy.ones(arrs[0].shape, bool)
    for cond, branch in cases:
        mask = left if cond is None else left & cond(*arrs)
        if mask.any():
            out[mask] = branch(*[x[mask] for x in arrs])
        left &= ~mask
    return out


def act_identity(z):
    return _piecewise((z,), ((None, lambda z: z),))


def act_identity__naive(z):
    return z


def prime_z_identity(z):
    return _piecewise((z,), ((None, lambda z: 1),))


def prime_z_identity__naive(z):
    return numpy.full_like(z, 1)


def prime_a_identity(a):
    return _piecewise((a,), ((None, lambda a: 1),))


def prime_a_identity__naive(a):
    return numpy.full_like(a, 1)


def act_sigmoid(z):
    return _piecewise((z,), ((lambda z: numpy.greater_equal(z, 0), lambda z: 1/(1 + numpy.exp(-z))), (None, lambda z: numpy.exp(z)/(numpy.exp(z) + 1)),))


def act_sigmoid__naive(z):
    return 1/(1 + numpy.exp(-z))


def prime_z_sigmoid(z):
    return _piecewise((z,), ((lambda z: numpy.greater_equal(z, 0), lambda z: numpy.exp(-z)/(1 + numpy.exp(-z))**2), (None, lambda z: numpy.exp(z)/(numpy.exp(z) + 1) - numpy.exp(2*z)/(numpy.exp(z) + 1)**2),))


def prime_z_sigmoid__naive(z):
    return numpy.exp(z)/(numpy.exp(z) + 1)**2


def prime_a_sigmoid(a):
    return _piecewise((a,), ((None, lambda a: a*(1 - a)),))


def prime_a_sigmoid__naive(a):
    return a*(1 - a)


def act_tanh(z):
    return _piecewise((z,), ((lambda z: numpy.greater_equal(z, 0), lambda z: -numpy.expm1(-2*z)/(1 + numpy.exp(-2*z))), (None, lambda z: numpy.expm1(2*z)/(numpy.exp(2*z) + 1)),))


def act_tanh__naive(z):
    return numpy.tanh(z)


def prime_z_tanh(z):
    return _piecewise((z,), ((lambda z: numpy.greater_equal(z, 0), lambda z: 2*numpy.exp(-2*z)/(1 + numpy.exp(-2*z)) - 2*numpy.exp(-2*z)*numpy.expm1(-2*z)/(1 + numpy.exp(-2*z))**2), (None, lambda z: 2*numpy.exp(2*z)/(numpy.exp(2*z) + 1) - 2*numpy.exp(2*z)*numpy.expm1(2*z)/(numpy.exp(2*z) + 1)**2),))


def prime_z_tanh__naive(z):
    return 1 - numpy.tanh(z)**2


def prime_a_tanh(a):
    return _piecewise((a,), ((None, lambda a: 1 - a**2),))


def prime_a_tanh__naive(a):
    return 1 - a**2


def act_relu(z):
    return _piecewise((z,), ((lambda z: numpy.greater(z, 0), lambda z: z), (None, lambda z: 0),))


def act_relu__naive(z):
    return numpy.where(numpy.greater(z, 0), z, 0)


def prime_z_relu(z):
    return _piecewise((z,), ((lambda z: numpy.greater(z, 0), lambda z: 1), (None, lambda z: 0),))


def prime_z_relu__naive(z):
    return numpy.where(numpy.greater(z, 0), 1, 0)


def prime_a_relu(a):
    return _piecewise((a,), ((lambda a: numpy.greater(a, 0), lambda a: 1), (None, lambda a: 0),))


def prime_a_relu__naive(a):
    return numpy.where(numpy.greater(a, 0), 1, 0)


def act_leaky_relu(z):
    return _piecewise((z,), ((lambda z: numpy.greater(z, 0), lambda z: z), (None, lambda z: (1/100)*z),))


def act_leaky_relu__naive(z):
    return numpy.where(numpy.greater(z, 0), z, (1/100)*z)


def prime_z_leaky_relu(z):
    return _piecewise((z,), ((lambda z: numpy.greater(z, 0), lambda z: 1), (None, lambda z: 1/100),))


def prime_z_leaky_relu__naive(z):
    return numpy.where(numpy.greater(z, 0), 1, 1/100)


def prime_a_leaky_relu(a):
    return _piecewise((a,), ((lambda a: numpy.greater(a, 0), lambda a: 1), (None, lambda a: 1/100),))


def prime_a_leaky_relu__naive(a):
    return numpy.where(numpy.greater(a, 0), 1, 1/100)


def act_softplus(z):
    return _piecewise((z,), ((lambda z: numpy.greater_equal(z, 0), lambda z: z + numpy.log1p(numpy.exp(-z))), (None, lambda z: numpy.log1p(numpy.exp(z))),))


def act_softplus__naive(z):
    return numpy.log(numpy.exp(z) + 1)


def prime_z_softplus(z):
    return _piecewise((z,), ((lambda z: numpy.greater_equal(z, 0), lambda z: 1 - numpy.exp(-z)/(1 + numpy.exp(-z))), (None, lambda z: numpy.exp(z)/(numpy.exp(z) + 1)),))


def prime_z_softplus__naive(z):
    return numpy.exp(z)/(numpy.exp(z) + 1)


def prime_a_softplus(a):
    return _piecewise((a,), ((None, lambda a: -numpy.expm1(-a)),))


def prime_a_softplus__naive(a):
    return 1 - numpy.exp(-a)


def act_rbf(z):
    return _piecewise((z,), ((None, lambda z: numpy.exp(-z**2)),))


def act_rbf__naive(z):
    return numpy.exp(-z**2)


def prime_z_rbf(z):
    return _piecewise((z,), ((None, lambda z: -2*z*numpy.exp(-z**2)),))


def prime_z_rbf__naive(z):
    return -2*z*numpy.exp(-z**2)


def prime_za_rbf(z, a):
    return -2*a*z


def term_half_sse(y, t):
    return _piecewise((y, t,), ((None, lambda y, t: (-t + y)**2),))


def dterm_half_sse(y, t, N, K):
    return _piecewise((y, t, N, K,), ((None, lambda y, t, N, K: -t + y),))


def delta_half_sse__identity(y, t, z, N, K):
    return _piecewise((y, t, z, N, K,), ((None, lambda y, t, z, N, K: -t + y),))


def delta_half_sse__sigmoid(y, t, z, N, K):
    return _piecewise((y, t, z, N, K,), ((None, lambda y, t, z, N, K: y*(1 - y)*(-t + y)),))


def delta_half_sse__tanh(y, t, z, N, K):
    return _piecewise((y, t, z, N, K,), ((None, lambda y, t, z, N, K: (1 - y**2)*(-t + y)),))


def delta_half_sse__relu(y, t, z, N, K):
    return _piecewise((y, t, z, N, K,), ((lambda y, t, z, N, K: numpy.greater(y, 0), lambda y, t, z, N, K: -t + y), (None, lambda y, t, z, N, K: 0),))


def delta_half_sse__leaky_relu(y, t, z, N, K):
    return _piecewise((y, t, z, N, K,), ((lambda y, t, z, N, K: numpy.greater(y, 0), lambda y, t, z, N, K: -t + y), (None, lambda y, t, z, N, K: -1/100*t + (1/100)*y),))


def delta_half_sse__softplus(y, t, z, N, K):
    return _piecewise((y, t, z, N, K,), ((None, lambda y, t, z, N, K: -(-t + y)*numpy.expm1(-y)),))


def delta_half_sse__rbf(y, t, z, N, K):
    return _piecewise((y, t, z, N, K,), ((None, lambda y, t, z, N, K: -2*y*z*(-t + y)),))


def delta_half_sse__softmax(y, t, S, N, K):
    return _piecewise((y, t, S, N, K,), ((None, lambda y, t, S, N, K: y*(-S - t + y)),))


def scale_half_sse(N, K):
    return 1/2


def term_sse(y, t):
    return _piecewise((y, t,), ((None, lambda y, t: (-t + y)**2),))


def dterm_sse(y, t, N, K):
    return _piecewise((y, t, N, K,), ((None, lambda y, t, N, K: -2*t + 2*y),))


def delta_sse__identity(y, t, z, N, K):
    return _piecewise((y, t, z, N, K,), ((None, lambda y, t, z, N, K: 2*(-t + y)),))


def delta_sse__sigmoid(y, t, z, N, K):
    return _piecewise((y, t, z, N, K,), ((None, lambda y, t, z, N, K: 2*y*(1 - y)*(-t + y)),))


def delta_sse__tanh(y, t, z, N, K):
    return _piecewise((y, t, z, N, K,), ((None, lambda y, t, z, N, K: 2*(1 - y**2)*(-t + y)),))


def delta_sse__relu(y, t, z, N, K):
    return _piecewise((y, t, z, N, K,), ((lambda y, t, z, N, K: numpy.greater(y, 0), lambda y, t, z, N, K: -2*t + 2*y), (None, lambda y, t, z, N, K: 0),))


def delta_sse__leaky_relu(y, t, z, N, K):
    return _piecewise((y, t, z, N, K,), ((lambda y, t, z, N, K: numpy.greater(y, 0), lambda y, t, z, N, K: -2*t + 2*y), (None, lambda y, t, z, N, K: -1/50*t + (1/50)*y),))


def delta_sse__softplus(y, t, z, N, K):
    return _piecewise((y, t, z, N, K,), ((None, lambda y, t, z, N, K: -2*(-t + y)*numpy.expm1(-y)),))


def delta_sse__rbf(y, t, z, N, K):
    return _piecewise((y, t, z, N, K,), ((None, lambda y, t, z, N, K: -4*y*z*(-t + y)),))


def delta_sse__softmax(y, t, S, N, K):
    return _piecewise((y, t, S, N, K,), ((None, lambda y, t, S, N, K: y*(-S + 2*(-t + y))),))


def scale_sse(N, K):
    return 1


def term_mse(y, t):
    return _piecewise((y, t,), ((None, lambda y, t: (-t + y)**2),))


def dterm_mse(y, t, N, K):
    return _piecewise((y, t, N, K,), ((None, lambda y, t, N, K: (-2*t + 2*y)/(K*N)),))


def delta_mse__identity(y, t, z, N, K):
    return _piecewise((y, t, z, N, K,), ((None, lambda y, t, z, N, K: 2*(-t + y)/(K*N)),))


def delta_mse__sigmoid(y, t, z, N, K):
    return _piecewise((y, t, z, N, K,), ((None, lambda y, t, z, N, K: 2*y*(1 - y)*(-t + y)/(K*N)),))


def delta_mse__tanh(y, t, z, N, K):
    return _piecewise((y, t, z, N, K,), ((None, lambda y, t, z, N, K: 2*(1 - y**2)*(-t + y)/(K*N)),))


def delta_mse__relu(y, t, z, N, K):
    return _piecewise((y, t, z, N, K,), ((lambda y, t, z, N, K: numpy.greater(y, 0), lambda y, t, z, N, K: 2*(-t + y)/(K*N)), (None, lambda y, t, z, N, K: 0),))


def delta_mse__leaky_relu(y, t, z, N, K):
    return _piecewise((y, t, z, N, K,), ((lambda y, t, z, N, K: numpy.greater(y, 0), lambda y, t, z, N, K: 2*(-t + y)/(K*N)), (None, lambda y, t, z, N, K: (1/50)*(-t + y)/(K*N)),))


def delta_mse__softplus(y, t, z, N, K):
    return _piecewise((y, t, z, N, K,), ((None, lambda y, t, z, N, K: -2*(-t + y)*numpy.expm1(-y)/(K*N)),))


def delta_mse__rbf(y, t, z, N, K):
    return _piecewise((y, t, z, N, K,), ((None, lambda y, t, z, N, K: -4*y*z*(-t + y)/(K*N)),))


def delta_mse__softmax(y, t, S, N, K):
    return _piecewise((y, t, S, N, K,), ((None, lambda y, t, S, N, K: y*(-S + 2*(-t + y)/(K*N))),))


def scale_mse(N, K):
    return 1/(K*N)


def term_bce(y, t):
    return _piecewise((y, t,), ((lambda y, t: numpy.equal(t, 0), lambda y, t: -numpy.log1p(-y)), (lambda y, t: numpy.equal(t, 1), lambda y, t: -numpy.log(y)), (None, lambda y, t: -t*numpy.log(y) - (1 - t)*numpy.log1p(-y)),))


def dterm_bce(y, t, N, K):
    return _piecewise((y, t, N, K,), ((lambda y, t, N, K: numpy.equal(t, 0), lambda y, t, N, K: 1/(K*N*(1 - y))), (lambda y, t, N, K: numpy.equal(t, 1), lambda y, t, N, K: -1/(K*N*y)), (None, lambda y, t, N, K: (-t/y + (1 - t)/(1 - y))/(K*N)),))


def delta_bce__identity(y, t, z, N, K):
    return _piecewise((y, t, z, N, K,), ((None, lambda y, t, z, N, K: (-t + y)/(K*N*y*(1 - y))),))


def delta_bce__sigmoid(y, t, z, N, K):
    return _piecewise((y, t, z, N, K,), ((None, lambda y, t, z, N, K: (-t + y)/(K*N)),))


def delta_bce__tanh(y, t, z, N, K):
    return _piecewise((y, t, z, N, K,), ((None, lambda y, t, z, N, K: (-t + y)*(y + 1)/(K*N*y)),))


def delta_bce__relu(y, t, z, N, K):
    return _piecewise((y, t, z, N, K,), ((lambda y, t, z, N, K: numpy.greater(y, 0), lambda y, t, z, N, K: (t - y)/(K*N*y*(y - 1))), (None, lambda y, t, z, N, K: 0),))


def delta_bce__leaky_relu(y, t, z, N, K):
    return _piecewise((y, t, z, N, K,), ((lambda y, t, z, N, K: numpy.greater(y, 0), lambda y, t, z, N, K: (-t + y)/(K*N*y*(1 - y))), (None, lambda y, t, z, N, K: (1/100)*(-t + y)/(K*N*y*(1 - y))),))


def delta_bce__softplus(y, t, z, N, K):
    return _piecewise((y, t, z, N, K,), ((None, lambda y, t, z, N, K: -(-t + y)*numpy.expm1(-y)/(K*N*y*(1 - y))),))


def delta_bce__rbf(y, t, z, N, K):
    return _piecewise((y, t, z, N, K,), ((None, lambda y, t, z, N, K: -2*z*(-t + y)/(K*N*(1 - y))),))


def delta_bce__softmax(y, t, S, N, K):
    return _piecewise((y, t, S, N, K,), ((None, lambda y, t, S, N, K: y*(-S + (-t + y)/(K*N*y*(1 - y)))),))


def scale_bce(N, K):
    return 1/(K*N)


def term_cross_entropy(y, t):
    return _piecewise((y, t,), ((lambda y, t: numpy.equal(t, 0), lambda y, t: 0), (None, lambda y, t: -t*numpy.log(y)),))


def dterm_cross_entropy(y, t, N, K):
    return _piecewise((y, t, N, K,), ((lambda y, t, N, K: numpy.equal(t, 0), lambda y, t, N, K: 0), (None, lambda y, t, N, K: -t/(N*y)),))


def delta_cross_entropy__identity(y, t, z, N, K):
    return _piecewise((y, t, z, N, K,), ((None, lambda y, t, z, N, K: -t/(N*y)),))


def delta_cross_entropy__sigmoid(y, t, z, N, K):
    return _piecewise((y, t, z, N, K,), ((None, lambda y, t, z, N, K: -t*(1 - y)/N),))


def delta_cross_entropy__tanh(y, t, z, N, K):
    return _piecewise((y, t, z, N, K,), ((None, lambda y, t, z, N, K: -t*(1 - y)*(y + 1)/(N*y)),))


def delta_cross_entropy__relu(y, t, z, N, K):
    return _piecewise((y, t, z, N, K,), ((lambda y, t, z, N, K: numpy.greater(y, 0), lambda y, t, z, N, K: -t/(N*y)), (None, lambda y, t, z, N, K: 0),))


def delta_cross_entropy__leaky_relu(y, t, z, N, K):
    return _piecewise((y, t, z, N, K,), ((lambda y, t, z, N, K: numpy.greater(y, 0), lambda y, t, z, N, K: -t/(N*y)), (None, lambda y, t, z, N, K: -1/100*t/(N*y)),))


def delta_cross_entropy__softplus(y, t, z, N, K):
    return _piecewise((y, t, z, N, K,), ((None, lambda y, t, z, N, K: t*numpy.expm1(-y)/(N*y)),))


def delta_cross_entropy__rbf(y, t, z, N, K):
    return _piecewise((y, t, z, N, K,), ((None, lambda y, t, z, N, K: 2*t*z/N),))


def delta_cross_entropy__softmax(y, t, S, N, K):
    return _piecewise((y, t, S, N, K,), ((None, lambda y, t, S, N, K: (S*y - t)/N),))


def scale_cross_entropy(N, K):
    return 1/N
