#!/usr/bin/python3
# gen_model.py - PyTorch reference for the fmnist-small network: logits,
# loss and every weight gradient for fixed weights and inputs, written in
# sv's layouts (activations NHWC, conv weights (3,3,C,K), the linear layer
# reading its inputs flattened as (y, x, c)).  tests/unit/test_model.c
# compares sv's forward and backward passes with these values.
# Regenerate: /usr/bin/python3 tests/vectors/gen_model.py > tests/vectors/model/fmnist_small.txt
import torch
import torch.nn as nn

torch.manual_seed(1)
net = nn.Sequential(
    nn.Conv2d(1, 16, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
    nn.Conv2d(16, 32, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
    nn.Flatten(), nn.Linear(1568, 10)).double()
x = torch.randn(4, 1, 28, 28, dtype=torch.float64)
y = torch.tensor([3, 1, 4, 1])
# float32 values, as sv stores them, computed in float64 here
with torch.no_grad():
    for p in net.parameters():
        p.copy_(p.float().double())
    x = x.float().double()
z = net(x)
loss = nn.functional.cross_entropy(z, y)
loss.backward()


def conv_w(t):   # (K,C,3,3) -> (3,3,C,K)
    return t.permute(2, 3, 1, 0)


def fc_w(t):     # (10, 32*7*7) with index c*49+y*7+x -> index (y*7+x)*32+c
    return t.reshape(10, 32, 7, 7).permute(0, 2, 3, 1).reshape(10, 1568)


def emit(name, t):
    v = t.detach().reshape(-1).tolist()
    print(name, len(v))
    print("\n".join("%.9g" % a for a in v))


c1, c2, fc = net[0], net[3], net[7]
emit("x", x.permute(0, 2, 3, 1))
emit("y", y.double())
emit("conv1.weight", conv_w(c1.weight))
emit("conv1.bias", c1.bias)
emit("conv2.weight", conv_w(c2.weight))
emit("conv2.bias", c2.bias)
emit("fc1.weight", fc_w(fc.weight))
emit("fc1.bias", fc.bias)
emit("logits", z)
emit("loss", loss.reshape(1))
emit("grad.conv1.weight", conv_w(c1.weight.grad))
emit("grad.conv1.bias", c1.bias.grad)
emit("grad.conv2.weight", conv_w(c2.weight.grad))
emit("grad.conv2.bias", c2.bias.grad)
emit("grad.fc1.weight", fc_w(fc.weight.grad))
emit("grad.fc1.bias", fc.bias.grad)
# one SGD step of the recipe (lr 0.05, Nesterov momentum 0.9, weight decay
# 5e-4 added to the gradient), twice, so the momentum buffer is used
opt = torch.optim.SGD(net.parameters(), lr=0.05, momentum=0.9,
                      nesterov=True, weight_decay=5e-4)
opt.step()
opt.step()
emit("sgd2.conv1.weight", conv_w(c1.weight))
emit("sgd2.conv2.weight", conv_w(c2.weight))
emit("sgd2.fc1.weight", fc_w(fc.weight))
emit("sgd2.fc1.bias", fc.bias)
