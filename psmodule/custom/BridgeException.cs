// Hand-written (Modifiable; see README.md): the exception of an error the core reported.
namespace MgBridge
{
    using System;

    /// <summary>An error the Python core reported, with the fields the protocol carries.</summary>
    public class BridgeException : Exception
    {
        public BridgeException(string message) : base(message) { }
        public string ErrorType { get; set; }
        public string ErrorId { get; set; }
        public string Code { get; set; }
        public int? Status { get; set; }
        public string RequestId { get; set; }
        public string ClientRequestId { get; set; }
        public string Date { get; set; }
        public string Parameter { get; set; }
        public string Path { get; set; }
        public string Expected { get; set; }
    }
}
