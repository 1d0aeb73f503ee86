function New-BridgeErrorResponse {
    # A response message for a failure on the PowerShell side of the pipe, shaped like the core's.
    param($Id, [string]$ErrorId, [string]$Category, [string]$Message)
    [pscustomobject]@{
        v = 1; id = $Id; ok = $false; warnings = @(); verbose = @(); debug = @(); messages = @()
        error = [pscustomobject]@{ type = $ErrorId; errorId = $ErrorId; category = $Category; message = $Message }
    }
}
