namespace Meterline.Coap.Endpoints;

/// <summary>Answers one request (its whole body). Must not throw for bad input: a bad request is a 4.xx response.</summary>
public delegate ValueTask<CoapResponse> CoapRequestHandler(CoapRequest request, CancellationToken cancellationToken);
