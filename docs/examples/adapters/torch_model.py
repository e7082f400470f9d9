"""A small PyTorch classifier: an nn.Sequential of Linear layers, a hand-written tanh
(a custom autograd Function, as one writes to control the backward pass), a sigmoid
output, and the binary cross-entropy.

    model = make_model([2, 8, 8, 1])
    train(model, X, T)                 # full-batch SGD on nn.BCELoss

Written for docs/ADAPTERS.md (the adapter deltaspec.conformance.adapters.torch_module).
"""
import torch
from torch import nn


class TanhFunction(torch.autograd.Function):
    @staticmethod
    def forward(ctx, z):
        y = torch.tanh(z)
        ctx.save_for_backward(y)
        return y

    @staticmethod
    def backward(ctx, grad_y):
        (y,) = ctx.saved_tensors
        return grad_y * (1 - y * y)


class HandTanh(nn.Module):
    def forward(self, z):
        return TanhFunction.apply(z)


def make_model(sizes=(2, 8, 8, 1)):
    layers = []
    for i, (n_in, n_out) in enumerate(zip(sizes, sizes[1:])):
        layers += [nn.Linear(n_in, n_out), HandTanh() if i < len(sizes) - 2 else nn.Sigmoid()]
    return nn.Sequential(*layers)


model = make_model()
loss_fn = nn.BCELoss()


def train(model, X, T, lr=0.5, epochs=500):
    optimizer = torch.optim.SGD(model.parameters(), lr=lr)
    for _ in range(epochs):
        optimizer.zero_grad()
        loss_fn(model(X), T).backward()
        optimizer.step()
    return model
