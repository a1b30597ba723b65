#ifndef SDNN_TRAINEDINFERENCE_HPP
#define SDNN_TRAINEDINFERENCE_HPP

/// \file Sdnn_TrainedInference.hpp
/// Inference of a trained network (Sdnn_TrainableNetwork.hpp) with the engine of Sdnn_Inference.hpp, in any of its
/// modes: the role of the seed's MNIST, CIFAR and IMDB inference applications.

#include <Sdnn_Inference.hpp>
#include <Sdnn_Training.hpp>

namespace sdnn
{

/// The predicted classes of `data`'s samples and the accuracy against their labels. The hidden layers run in the
/// engine with `options` (mode, hashing, kernel, tiles): each layer gets an extra input that is always 1 (the first
/// row of every W, holding the biases, so that every neuron gets its bias whatever its inputs and no sample ever
/// leaves the engine), the challenge's scalar bias is 0 and its ceiling the network's clamp. The last layer (the
/// logits, without activation) runs on the host with the same rounding. Every mode gives the activations of
/// evaluate() bit for bit, hence the same predictions.
/// \throws sdnn::InputError if the data does not fit the network
template <class ExecutionSpace>
Evaluation classify(ExecutionSpace const &space, TrainableNetwork const &network, ClassificationData const &data,
                    InferenceOptions options, WorkReport *report = nullptr);

#define SDNN_CLASSIFY_EXTERN(SPACE)                                                                                    \
  extern template Evaluation classify<SPACE>(SPACE const &, TrainableNetwork const &, ClassificationData const &,      \
                                             InferenceOptions, WorkReport *);
#ifdef KOKKOS_ENABLE_SERIAL
SDNN_CLASSIFY_EXTERN(Kokkos::Serial)
#endif
#ifdef KOKKOS_ENABLE_OPENMP
SDNN_CLASSIFY_EXTERN(Kokkos::OpenMP)
#endif
#ifdef KOKKOS_ENABLE_THREADS
SDNN_CLASSIFY_EXTERN(Kokkos::Threads)
#endif
#undef SDNN_CLASSIFY_EXTERN

} // namespace sdnn

#endif
